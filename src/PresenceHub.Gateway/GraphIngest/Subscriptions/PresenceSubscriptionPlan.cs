namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>What to change so an organization's presence subscriptions cover exactly its consenting users.</summary>
/// <param name="Keep">Subscriptions that stay as they are (renewed when due).</param>
/// <param name="Delete">Subscriptions to delete: their owner is gone, or their users changed (Graph cannot change a filter in place).</param>
/// <param name="Create">Subscriptions to create: an owner and the users it covers.</param>
/// <param name="Uncovered">Consenting users no subscription can cover, for lack of owners who signed in.</param>
internal sealed record PresenceSubscriptionPlan(
    IReadOnlyList<GraphSubscription> Keep,
    IReadOnlyList<GraphSubscription> Delete,
    IReadOnlyList<(string OwnerUserId, IReadOnlyList<string> UserIds)> Create,
    IReadOnlyList<string> Uncovered);
