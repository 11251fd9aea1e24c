using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Sums the gateway's webhook counters (events admitted, notifications rejected and validation tokens refused, by
/// reason), listening only to the meters of one gateway's <see cref="IMeterFactory"/>, so gateways of tests running in
/// parallel do not mix.
/// </summary>
internal sealed class WebhookMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _refusedTokens = new(StringComparer.Ordinal);
    private long _events;

    public WebhookMetrics(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == GatewayMeter.Name &&
                instrument.Name is "presencehub.webhook.events" or "presencehub.webhook.rejected" or "presencehub.webhook.validation_tokens.refused")
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

            var counts = instrument.Name == "presencehub.webhook.rejected" ? _rejected : _refusedTokens;
            counts.AddOrUpdate(reason, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>Presence events admitted from notifications (before the relay's duplicate check).</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Notifications rejected with <paramref name="reason"/>.</summary>
    public long Rejected(string reason) => _rejected.GetValueOrDefault(reason);

    /// <summary>Validation tokens refused with <paramref name="reason"/>.</summary>
    public long ValidationTokensRefused(string reason) => _refusedTokens.GetValueOrDefault(reason);

    /// <summary>Validation tokens refused, every reason.</summary>
    public long ValidationTokensRefusedTotal => _refusedTokens.Values.Sum();

    /// <summary>Rejections of every reason.</summary>
    public long RejectedTotal => _rejected.Values.Sum();

    public void Dispose() => _listener.Dispose();
}
