using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Each organization's <see cref="FederationPolicy"/>, checked on every connector call.</summary>
internal interface IFederationPolicyStore
{
    /// <summary>The organization's policy; <see cref="FederationPolicy.Open"/> when it set none.</summary>
    Task<FederationPolicy> GetAsync(OrganizationId organization, CancellationToken cancellationToken);

    /// <summary>Replaces the organization's policy; setting <see cref="FederationPolicy.Open"/> removes the record.</summary>
    Task SetAsync(OrganizationId organization, FederationPolicy policy, CancellationToken cancellationToken);
}
