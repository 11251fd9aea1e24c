using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Graph ingest's instruments. Tags carry only reasons and outcomes, never ids, names or presence values.</summary>
internal sealed class GraphIngestMetrics
{
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _corrections;
    private readonly Counter<long> _subscriptionCalls;
    private readonly Counter<long> _profiles;
    private readonly Counter<long> _validationTokensRefused;

    public GraphIngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GatewayMeter.Name);
        _accepted = meter.CreateCounter<long>("presencehub.webhook.events", "{event}", "Presence events admitted from Graph notifications.");
        _rejected = meter.CreateCounter<long>("presencehub.webhook.rejected", "{notification}", "Notifications dropped, by reason (forged, unknown or malformed).");
        _validationTokensRefused = meter.CreateCounter<long>("presencehub.webhook.validation_tokens.refused", "{token}", "Validation tokens of rich notifications refused, by reason (audience, issuer, lifetime, signature, appid...).");
        _duration = meter.CreateHistogram<double>("presencehub.webhook.duration", "ms", "Time to check, decrypt and persist one notification POST.");
        _corrections = meter.CreateCounter<long>("presencehub.reconciliation.corrections", "{event}", "Presence differences found by reconciliation and published.");
        _profiles = meter.CreateCounter<long>("presencehub.profiles.refreshed", "{profile}", "Profiles of consenting users fetched from Graph, by outcome (changed, unchanged, removed, forgotten, failed).");
        _subscriptionCalls = meter.CreateCounter<long>("presencehub.subscriptions.calls", "{call}", "Subscription create, renew, reauthorize and delete calls to Graph, by operation and outcome.");
    }

    public void Accepted(int events, TimeSpan elapsed)
    {
        _accepted.Add(events);
        _duration.Record(elapsed.TotalMilliseconds);
    }

    public void Rejected(string reason, int count) => _rejected.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void ValidationTokenRefused(string reason) => _validationTokensRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Corrected(int count) => _corrections.Add(count);

    public void SubscriptionCall(string operation, string outcome) =>
        _subscriptionCalls.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    public void ProfilesRefreshed(string outcome, int count)
    {
        if (count > 0)
        {
            _profiles.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
