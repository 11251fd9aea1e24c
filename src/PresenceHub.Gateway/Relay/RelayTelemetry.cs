using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.Relay;

/// <summary>The relay's traces and metrics. Tags carry outcomes and kinds only, never ids or presence.</summary>
internal sealed class RelayTelemetry
{
    public const string Name = "PresenceHub.Relay";

    public static readonly ActivitySource ActivitySource = new(Name);

    public RelayTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        Published = meter.CreateCounter<long>("presencehub.relay.published", "{event}", "Updates published, by outcome.");
        Delivered = meter.CreateCounter<long>("presencehub.relay.delivered", "{event}", "Events handed to connector feeds.");
        Acknowledged = meter.CreateCounter<long>("presencehub.relay.acknowledged", "{event}", "Events acknowledged by connector feeds.");
        Reclaimed = meter.CreateCounter<long>("presencehub.relay.reclaimed", "{event}", "Events taken over from an idle connector instance.");
        Coalesced = meter.CreateCounter<long>("presencehub.relay.coalesced", "{backlog}", "Backlogs replaced by a snapshot of last-known presence.");
        Unavailable = meter.CreateCounter<long>("presencehub.relay.unavailable", "{operation}", "Operations failed because the store was unreachable.");
        PublishDuration = meter.CreateHistogram<double>("presencehub.relay.publish.duration", "ms", "Time to publish one batch.");
    }

    public Counter<long> Published { get; }

    public Counter<long> Delivered { get; }

    public Counter<long> Acknowledged { get; }

    public Counter<long> Reclaimed { get; }

    public Counter<long> Coalesced { get; }

    public Counter<long> Unavailable { get; }

    public Histogram<double> PublishDuration { get; }

    public void RecordOutcomes(IReadOnlyList<PublishOutcome> outcomes)
    {
        int accepted = 0, stale = 0, duplicate = 0, conflict = 0;
        foreach (var outcome in outcomes)
        {
            switch (outcome)
            {
                case PublishOutcome.Accepted: accepted++; break;
                case PublishOutcome.Stale: stale++; break;
                case PublishOutcome.Conflict: conflict++; break;
                default: duplicate++; break;
            }
        }

        Add(accepted, "accepted");
        Add(stale, "stale");
        Add(duplicate, "duplicate");
        Add(conflict, "conflict");

        void Add(int count, string outcome)
        {
            if (count > 0)
            {
                Published.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
            }
        }
    }

    /// <summary>The W3C trace context to store with events published now.</summary>
    public static (string? TraceParent, string? TraceState) CurrentTraceContext()
    {
        var activity = Activity.Current;
        return activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? (id, activity.TraceStateString) : (null, null);
    }
}
