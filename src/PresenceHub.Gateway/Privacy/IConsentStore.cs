using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Who consented to federation, per organization. Nobody else is ever subscribed to or polled.</summary>
internal interface IConsentStore
{
    /// <summary>Records or replaces a user's consent.</summary>
    Task GrantAsync(Consent consent, CancellationToken cancellationToken);

    /// <summary>Removes a user's consent; removing a missing one does nothing.</summary>
    Task RevokeAsync(OrganizationId organization, string userId, CancellationToken cancellationToken);

    /// <summary>Every consent of an organization.</summary>
    Task<IReadOnlyList<Consent>> ListAsync(OrganizationId organization, CancellationToken cancellationToken);

    /// <summary>Every organization with at least one consent.</summary>
    Task<IReadOnlyList<OrganizationId>> OrganizationsAsync(CancellationToken cancellationToken);

    /// <summary>Whether each user consented; one entry per id, in order. The check behind every connector call.</summary>
    Task<IReadOnlyList<bool>> AreConsentingAsync(OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken);
}
