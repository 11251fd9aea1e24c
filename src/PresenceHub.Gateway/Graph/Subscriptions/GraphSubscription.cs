using PresenceHub.Presence;

namespace PresenceHub.Gateway.Graph.Subscriptions;

/// <summary>A Graph subscription PresenceHub holds, as recorded in the subscription store.</summary>
/// <param name="Id">Graph's subscription id.</param>
/// <param name="Organization">The tenant it belongs to.</param>
/// <param name="Kind">What it watches.</param>
/// <param name="Resource">The Graph resource string it was created for.</param>
/// <param name="ClientState">The random secret Graph echoes in each notification.</param>
/// <param name="OwnerUserId">For presence subscriptions, the consenting user whose delegated token owns it.</param>
/// <param name="UserIds">For presence subscriptions, the users it covers (at most 650).</param>
/// <param name="ExpiresAt">When Graph stops delivering unless it is renewed.</param>
internal sealed record GraphSubscription(
    string Id,
    OrganizationId Organization,
    GraphSubscriptionKind Kind,
    string Resource,
    string ClientState,
    string? OwnerUserId,
    IReadOnlyList<string> UserIds,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Whether a notification about <paramref name="userId"/> may come through this subscription.</summary>
    public bool Covers(string userId) =>
        Kind != GraphSubscriptionKind.Presence || UserIds.Contains(userId, StringComparer.OrdinalIgnoreCase);
}
