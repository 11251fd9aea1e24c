using System.Collections.Concurrent;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Retention holds in this process only (the embedded default).</summary>
internal sealed class InMemoryRetentionHoldStore : IRetentionHoldStore
{
    private readonly ConcurrentDictionary<OrganizationId, bool> _held = new();

    public Task SetAsync(OrganizationId organization, bool held, CancellationToken cancellationToken)
    {
        if (held)
        {
            _held[organization] = true;
        }
        else
        {
            _held.TryRemove(organization, out _);
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsHeldAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        Task.FromResult(_held.ContainsKey(organization));
}
