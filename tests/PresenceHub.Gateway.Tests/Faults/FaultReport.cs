using System.Globalization;
using PresenceHub.Presence;
using HandledEvent = PresenceHub.Gateway.Tests.Connectors.ConnectorWorkerProcess.HandledEvent;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// The accounts of one fault scenario, from what the gateways published to the shared relay (the audit feed: every
/// event a replica acknowledged to Graph with 2xx), what the connector processes handled, and the simulator's state.
/// <list type="bullet">
/// <item><b>lost</b>: published events of a user after which the connector never handled that user's presence at the
/// same or a newer version. Presence is state: an event replaced by a newer one of the same user before the connector
/// read it (coalescing) is not lost, the newer state carries it.</item>
/// <item><b>duplicates</b>: within one connector process (after the SDK's deduplication), an event id handled twice,
/// or one user's version handled twice under different ids (snapshots excepted).</item>
/// <item><b>redelivered</b>: events a restarted connector process handled again after a SIGKILL: the batch in flight
/// past its durably saved cursor, which at-least-once delivery sends again. Reported, not counted as duplicates.</item>
/// <item><b>final-state errors</b>: users whose newest presence at the connector differs from the simulator's.</item>
/// </list>
/// </summary>
internal sealed record FaultReport(
    string Scenario,
    int Changes,
    int Published,
    int Handled,
    int Lost,
    int Duplicates,
    int Redelivered,
    int FinalStateErrors,
    TimeSpan? Recovery,
    TimeSpan Converged,
    string Details)
{
    /// <summary>The report line the suite prints, one per scenario.</summary>
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"FAULT {Scenario} changes={Changes} published={Published} handled={Handled} lost={Lost} duplicates={Duplicates} redelivered_after_kill={Redelivered} final_state_errors={FinalStateErrors} recovery_ms={(Recovery is { } r ? ((long)r.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "n/a")} converged_ms={(long)Converged.TotalMilliseconds}{(Details.Length > 0 ? " " + Details : "")}");

    /// <summary>Draws up the accounts.</summary>
    /// <param name="scenario">The scenario's name in the report.</param>
    /// <param name="changes">How many presence changes the test made in the simulator.</param>
    /// <param name="published">Every presence event the gateways published, from the audit feed.</param>
    /// <param name="processes">What each connector process handled, one list per process, in start order.</param>
    /// <param name="simulator">Every user's presence in the simulator at the end.</param>
    /// <param name="recovery">From the fault until delivery resumed; null when the scenario has no single fault instant.</param>
    /// <param name="converged">From the last change until the connector showed every user's final presence.</param>
    /// <param name="details">Scenario-specific figures, <c>key=value</c> separated by spaces.</param>
    public static FaultReport Account(
        string scenario,
        int changes,
        IReadOnlyList<PresenceUpdate> published,
        IReadOnlyList<IReadOnlyList<HandledEvent>> processes,
        IReadOnlyDictionary<string, (string Availability, string Activity)> simulator,
        TimeSpan? recovery,
        TimeSpan converged,
        string details = "")
    {
        var all = processes.SelectMany(p => p).ToList();
        var newest = NewestByUser(all);
        var lost = published.Where(p => p.Source == Platform.Teams)
            .Count(p => !newest.TryGetValue(p.UserId, out var handled) || PresenceVersion.Parse(handled.Version) < p.Version);

        var duplicates = 0;
        foreach (var process in processes)
        {
            duplicates += process.GroupBy(e => e.EventId, StringComparer.Ordinal).Sum(g => g.Count() - 1);
            duplicates += process.Where(e => !e.IsSnapshot).DistinctBy(e => e.EventId)
                .GroupBy(e => (e.UserId, e.Version)).Sum(g => g.Count() - 1);
        }

        var redelivered = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in processes)
        {
            var ids = process.Select(e => e.EventId).Distinct(StringComparer.Ordinal).ToList();
            redelivered += ids.Count(seen.Contains);
            seen.UnionWith(ids);
        }

        return new FaultReport(scenario, changes, published.Count, all.Count, lost, duplicates, redelivered,
            CountFinalStateErrors(all, simulator), recovery, converged, details);
    }

    /// <summary>Users whose newest presence among the handled events differs from the simulator's (or who never arrived).</summary>
    public static int CountFinalStateErrors(IReadOnlyList<HandledEvent> handled, IReadOnlyDictionary<string, (string Availability, string Activity)> simulator)
    {
        var newest = NewestByUser(handled);
        return simulator.Count(user => !newest.TryGetValue(user.Key, out var e)
                                       || e.Availability != user.Value.Availability || e.Activity != user.Value.Activity);
    }

    private static Dictionary<string, HandledEvent> NewestByUser(IEnumerable<HandledEvent> handled) =>
        handled.GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(e => PresenceVersion.Parse(e.Version))!, StringComparer.Ordinal);
}
