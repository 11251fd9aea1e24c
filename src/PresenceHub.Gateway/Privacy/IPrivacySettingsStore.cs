using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Each user's <see cref="PrivacySettings"/>, per organization. Read on the ingest and publication paths, so a batch is
/// one round trip.
/// </summary>
internal interface IPrivacySettingsStore
{
    /// <summary>The settings of users of one organization; <see cref="PrivacySettings.Default"/> for a user with none. One entry per id, in order.</summary>
    Task<IReadOnlyList<PrivacySettings>> GetManyAsync(OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken);

    /// <summary>Stores a user's settings; storing the default removes the record.</summary>
    Task SetAsync(OrganizationId organization, string userId, PrivacySettings settings, CancellationToken cancellationToken);

    /// <summary>Removes a user's record (back to the default); removing a missing one does nothing.</summary>
    Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken);
}
