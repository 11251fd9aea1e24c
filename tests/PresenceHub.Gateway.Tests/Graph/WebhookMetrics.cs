using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Sums the gateway's webhook counters (events admitted, notifications rejected by reason), listening only to the
/// meters of one gateway's <see cref="IMeterFactory"/>, so gateways of tests running in parallel do not mix.
/// </summary>
internal sealed class WebhookMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private long _events;

    public WebhookMetrics(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == GatewayMeter.Name &&
                instrument.Name is "presencehub.webhook.events" or "presencehub.webhook.rejected")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "presencehub.webhook.events")
            {
                Interlocked.Add(ref _events, value);
                return;
            }

            var reason = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value as string ?? "";
                }
            }

            _rejected.AddOrUpdate(reason, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>Presence events admitted from notifications (before the relay's duplicate check).</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Notifications rejected with <paramref name="reason"/>.</summary>
    public long Rejected(string reason) => _rejected.GetValueOrDefault(reason);

    /// <summary>Rejections of every reason.</summary>
    public long RejectedTotal => _rejected.Values.Sum();

    public void Dispose() => _listener.Dispose();
}
