namespace PresenceHub.Bench;

/// <summary>The gateway with <paramref name="Users"/> consented users, every one subscribed, polled and stored.</summary>
/// <param name="Users">Consented users.</param>
/// <param name="ManagedBytesPerUser">
/// Managed heap after a full collection, less the baseline taken before anyone consented, per consented user. The
/// simulator runs in the same process: its per-subscription state counts here too (conservative).
/// </param>
/// <param name="WorkingSetBytesPerUser">Growth of the process working set since the baseline, per user (for information: it includes GC headroom).</param>
/// <param name="RedisBytesPerUser">Growth of Redis <c>used_memory</c> since the baseline, per user; null on the in-memory relay.</param>
/// <param name="PresenceSubscriptions">Live presence subscriptions in the simulator covering them.</param>
/// <param name="TimeToCover">From the first consent of this step until every user was subscribed, polled (last-known presence stored) and their profile stored.</param>
internal sealed record ScaleCountResult(
    int Users,
    double ManagedBytesPerUser,
    double WorkingSetBytesPerUser,
    double? RedisBytesPerUser,
    int PresenceSubscriptions,
    TimeSpan TimeToCover);
