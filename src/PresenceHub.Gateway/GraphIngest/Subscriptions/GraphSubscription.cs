using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

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
    private HashSet<string> _covered = new(UserIds, StringComparer.OrdinalIgnoreCase);

    /// <summary>The users it covers; kept with a set so the webhook's check is one lookup, not a scan of 650 ids.</summary>
    public IReadOnlyList<string> UserIds
    {
        get;
        init
        {
            field = value;
            _covered = new HashSet<string>(value, StringComparer.OrdinalIgnoreCase);
        }
    } = UserIds;

    /// <summary>Whether a notification about <paramref name="userId"/> may come through this subscription.</summary>
    public bool Covers(string userId) => Kind != GraphSubscriptionKind.Presence || _covered.Contains(userId);

    /// <summary>Equal when every field is, the users compared in order (the lookup set is derived from them).</summary>
    public bool Equals(GraphSubscription? other) =>
        other is not null && Id == other.Id && Organization == other.Organization && Kind == other.Kind &&
        Resource == other.Resource && ClientState == other.ClientState && OwnerUserId == other.OwnerUserId &&
        ExpiresAt == other.ExpiresAt && UserIds.SequenceEqual(other.UserIds);

    public override int GetHashCode() => HashCode.Combine(Id, Organization, Kind, ExpiresAt, UserIds.Count);
}
