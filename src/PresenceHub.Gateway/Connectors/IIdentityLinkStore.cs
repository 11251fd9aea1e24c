using PresenceHub.Presence;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The administrator's override table: which Teams user a platform user is, per organization and platform. It wins
/// over matching by mail or user principal name.
/// </summary>
internal interface IIdentityLinkStore
{
    /// <summary>Links a platform user to a Teams user, replacing an earlier link of either.</summary>
    Task LinkAsync(OrganizationId organization, Platform platform, string platformUserId, string teamsUserId, CancellationToken cancellationToken);

    /// <summary>Removes a platform user's link; false when there was none.</summary>
    Task<bool> UnlinkAsync(OrganizationId organization, Platform platform, string platformUserId, CancellationToken cancellationToken);

    /// <summary>The Teams user linked to a platform user; null when none.</summary>
    Task<string?> FindTeamsUserAsync(OrganizationId organization, Platform platform, string platformUserId, CancellationToken cancellationToken);

    /// <summary>The platform users linked to Teams users; one entry per Teams user id, null for none.</summary>
    Task<IReadOnlyList<string?>> FindPlatformUsersAsync(
        OrganizationId organization, Platform platform, IReadOnlyList<string> teamsUserIds, CancellationToken cancellationToken);

    /// <summary>Removes every link to a Teams user, on every platform, when the user leaves federation; returns how many.</summary>
    Task<int> UnlinkTeamsUserAsync(OrganizationId organization, string teamsUserId, CancellationToken cancellationToken);
}
