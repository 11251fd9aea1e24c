using System.Collections.Concurrent;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Federation policies in memory, for the embedded demo and a single gateway.</summary>
internal sealed class InMemoryFederationPolicyStore : IFederationPolicyStore
{
    private readonly ConcurrentDictionary<OrganizationId, FederationPolicy> _policies = new();

    public Task<FederationPolicy> GetAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        Task.FromResult(_policies.GetValueOrDefault(organization, FederationPolicy.Open));

    public Task SetAsync(OrganizationId organization, FederationPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Platforms is null && policy.Domains is null)
        {
            _policies.TryRemove(organization, out _);
        }
        else
        {
            _policies[organization] = policy with { Platforms = policy.Platforms?.ToArray(), Domains = policy.Domains?.ToArray() };
        }

        return Task.CompletedTask;
    }
}
