using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>A user's consent to federation.</summary>
/// <param name="Organization">The user's organization.</param>
/// <param name="UserId">The user's Entra object id (lowercase).</param>
/// <param name="Source">How the consent was given.</param>
/// <param name="GrantedAt">When.</param>
/// <param name="OwnerSessionKey">
/// The key of the user's long-running delegated session in the token cache, when they signed in; such a user can
/// own presence subscriptions. Opaque; holds no token.
/// </param>
internal sealed record Consent(
    OrganizationId Organization,
    string UserId,
    ConsentSource Source,
    DateTimeOffset GrantedAt,
    string? OwnerSessionKey = null)
{
    /// <summary>Whether the user's delegated session can create and renew presence subscriptions.</summary>
    public bool CanOwnSubscriptions => OwnerSessionKey is not null;
}
