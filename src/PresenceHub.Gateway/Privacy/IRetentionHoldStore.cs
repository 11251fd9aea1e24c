using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Per-organization retention holds: while an organization holds, erasing a user keeps their metadata-log entries
/// (for instance during litigation); everything else about the user is still erased.
/// </summary>
internal interface IRetentionHoldStore
{
    /// <summary>Places or lifts the organization's hold.</summary>
    Task SetAsync(OrganizationId organization, bool held, CancellationToken cancellationToken);

    /// <summary>Whether the organization holds its metadata log.</summary>
    Task<bool> IsHeldAsync(OrganizationId organization, CancellationToken cancellationToken);
}
