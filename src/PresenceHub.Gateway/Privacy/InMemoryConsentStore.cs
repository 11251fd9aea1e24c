using System.Collections.Concurrent;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Consents in memory, for the embedded demo and a single gateway.</summary>
internal sealed class InMemoryConsentStore : IConsentStore
{
    private readonly ConcurrentDictionary<OrganizationId, ConcurrentDictionary<string, Consent>> _byOrganization = new();

    public Task GrantAsync(Consent consent, CancellationToken cancellationToken)
    {
        _byOrganization.GetOrAdd(consent.Organization, _ => new(StringComparer.OrdinalIgnoreCase))[consent.UserId] = consent;
        return Task.CompletedTask;
    }

    public Task RevokeAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        if (_byOrganization.TryGetValue(organization, out var users))
        {
            users.TryRemove(userId, out _);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Consent>> ListAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Consent>>(
            _byOrganization.TryGetValue(organization, out var users) ? users.Values.OrderBy(c => c.UserId, StringComparer.Ordinal).ToList() : []);

    public Task<IReadOnlyList<OrganizationId>> OrganizationsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OrganizationId>>(_byOrganization.Where(o => !o.Value.IsEmpty).Select(o => o.Key).ToList());

    public Task<IReadOnlyList<bool>> AreConsentingAsync(OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<bool>>(_byOrganization.TryGetValue(organization, out var users)
            ? userIds.Select(users.ContainsKey).ToList()
            : userIds.Select(_ => false).ToList());
}
