using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>Counts one gateway's <c>presencehub.writeback.calls</c> by operation and outcome, from its own meter factory.</summary>
internal sealed class WriteBackCalls : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Operation, string Outcome), long> _counts = new();

    public WriteBackCalls(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == GatewayMeter.Name &&
                instrument.Name == "presencehub.writeback.calls")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string operation = "", outcome = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "operation")
                {
                    operation = tag.Value as string ?? "";
                }
                else if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string ?? "";
                }
            }

            _counts.AddOrUpdate((operation, outcome), value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public long Count(string operation, string outcome) => _counts.GetValueOrDefault((operation, outcome));

    public long Total => _counts.Values.Sum();

    public void Dispose() => _listener.Dispose();
}
