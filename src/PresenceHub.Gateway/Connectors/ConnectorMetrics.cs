using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.Connectors;

/// <summary>The connector API's instruments. Tags carry only platforms, reasons and outcomes, never ids or presence.</summary>
internal sealed class ConnectorMetrics
{
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _published;
    private readonly Counter<long> _rejected;
    private readonly UpDownCounter<long> _streams;
    private readonly Histogram<double> _lag;

    public ConnectorMetrics(IMeterFactory meters, ConnectorSessionRegistry sessions)
    {
        var meter = meters.Create(GatewayMeter.Name);
        _delivered = meter.CreateCounter<long>("presencehub.connector.events.out", "{event}", "Events written to connector streams, by platform.");
        _coalesced = meter.CreateCounter<long>("presencehub.connector.events.coalesced", "{event}", "Presence events replaced by a newer one of the same user before a slow connector read them.");
        _published = meter.CreateCounter<long>("presencehub.connector.publications", "{publication}", "Presence published by connectors, by platform and outcome.");
        _rejected = meter.CreateCounter<long>("presencehub.connector.rejected", "{call}", "Connector calls refused, by reason.");
        _streams = meter.CreateUpDownCounter<long>("presencehub.connector.streams", "{stream}", "Open connector streams on this replica.");
        meter.CreateObservableGauge("presencehub.connector.held", () => sessions.Sessions.Select(s => s.Held).DefaultIfEmpty(0).Max(), "{event}",
            "Events held in memory for the fullest connector stream on this replica (queued, and written but unacknowledged); bounded by the connector options.");
        _lag = meter.CreateHistogram<double>("presencehub.connector.lag", "ms", "Time from an event's observation to its write to a connector stream.");
    }

    public void Delivered(string platform, int count) => _delivered.Add(count, new KeyValuePair<string, object?>("platform", platform));

    public void Coalesced(int count) => _coalesced.Add(count);

    public void Published(string platform, string outcome) =>
        _published.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("outcome", outcome));

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void StreamOpened() => _streams.Add(1);

    public void StreamClosed() => _streams.Add(-1);

    public void Lag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalMilliseconds));
}
