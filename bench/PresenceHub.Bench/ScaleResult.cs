namespace PresenceHub.Bench;

/// <summary>What <see cref="ScaleBenchmark.MeasureAsync"/> measured: memory per consented user at each count, and the subscription calls.</summary>
/// <param name="Counts">One entry per user count, in the order measured.</param>
/// <param name="Owners">Users who signed in to own presence subscriptions (Graph allows one per user and app, of at most 650 users).</param>
/// <param name="SubscriptionCreates">Subscription writes while users were being covered (creates, and the delete and create of each subscription grown to take more users).</param>
/// <param name="SubscriptionRenewals">Subscription writes while every subscription was renewed (the renewals).</param>
/// <param name="SubscriptionsRenewed">Subscriptions (presence and app-only) whose expiry moved forward under the same id.</param>
/// <param name="MaxSubscriptionCallsPer20Seconds">The most subscription writes Graph accepted in any 20 s of the simulator clock, over the whole run.</param>
/// <param name="Throttled">Subscription writes Graph answered 429.</param>
internal sealed record ScaleResult(
    IReadOnlyList<ScaleCountResult> Counts,
    int Owners,
    long SubscriptionCreates,
    long SubscriptionRenewals,
    int SubscriptionsRenewed,
    long MaxSubscriptionCallsPer20Seconds,
    long Throttled);
