using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.Admin;

/// <summary>
/// Live throughput of this replica for the admin console: presence updates offered to the relay (in: Graph
/// notifications, reconciliation and connector publications) and events written to connector streams (out), read
/// from the gateway's own instruments (only those its meter factory created, so several gateways in one process do
/// not mix). Rates are taken over the samples of the last <see cref="Window"/>, one sample per read.
/// </summary>
internal sealed class ThroughputMonitor : IDisposable
{
    /// <summary>The span a rate is measured over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private const string InInstrument = "presencehub.relay.published";
    private const string OutInstrument = "presencehub.connector.events.out";

    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Queue<(long Timestamp, long In, long Out)> _samples = new();
    private long _in;
    private long _out;

    public ThroughputMonitor(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is InInstrument or OutInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref instrument.Name == InInstrument ? ref _in : ref _out, value));
        _listener.Start();
    }

    /// <summary>Totals since start and the rates per second over the last <see cref="Window"/> (zero on the first read).</summary>
    public Throughput Read()
    {
        var now = _time.GetTimestamp();
        var (totalIn, totalOut) = (Interlocked.Read(ref _in), Interlocked.Read(ref _out));
        lock (_gate)
        {
            while (_samples.Count > 1 && _time.GetElapsedTime(_samples.Peek().Timestamp, now) > Window)
            {
                _samples.Dequeue();
            }

            var (inRate, outRate) = (0.0, 0.0);
            if (_samples.TryPeek(out var oldest) && _time.GetElapsedTime(oldest.Timestamp, now).TotalSeconds is > 0 and var seconds)
            {
                (inRate, outRate) = ((totalIn - oldest.In) / seconds, (totalOut - oldest.Out) / seconds);
            }

            _samples.Enqueue((now, totalIn, totalOut));
            return new Throughput(totalIn, totalOut, Math.Round(inRate, 2), Math.Round(outRate, 2));
        }
    }

    public void Dispose() => _listener.Dispose();
}
