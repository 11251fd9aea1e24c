using PresenceHub.Presence;

namespace PresenceHub.Gateway.Profiles;

/// <summary>
/// The profiles of an organization's consenting Teams users, kept current by the profile subscription. Used to tell
/// connectors who a Teams user is and to resolve platform identities by mail or user principal name.
/// </summary>
internal interface IUserDirectory
{
    /// <summary>Stores or replaces a profile.</summary>
    Task PutAsync(OrganizationId organization, UserProfileRecord profile, CancellationToken cancellationToken);

    /// <summary>Reads profiles by Entra object id; null for a user with none. One entry per id, in order.</summary>
    Task<IReadOnlyList<UserProfileRecord?>> GetManyAsync(
        OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the users whose mail or user principal name equals <paramref name="mailOrUserPrincipalName"/>
    /// (case-insensitive). More than one result means the address is ambiguous.
    /// </summary>
    Task<IReadOnlyList<UserProfileRecord>> FindByAddressAsync(
        OrganizationId organization, string mailOrUserPrincipalName, CancellationToken cancellationToken);

    /// <summary>Removes a user's profile and its address index entries; removing a missing one does nothing.</summary>
    Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken);
}
