using System.Collections.Concurrent;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>Subscription records in memory, for the embedded demo and a single gateway.</summary>
internal sealed class InMemoryGraphSubscriptionStore : IGraphSubscriptionStore
{
    private readonly ConcurrentDictionary<string, GraphSubscription> _byId = new(StringComparer.OrdinalIgnoreCase);

    public ValueTask<GraphSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_byId.GetValueOrDefault(subscriptionId));

    public Task<IReadOnlyList<GraphSubscription>> ListAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GraphSubscription>>(_byId.Values.Where(s => s.Organization == organization).ToList());

    public Task SaveAsync(GraphSubscription subscription, CancellationToken cancellationToken)
    {
        _byId[subscription.Id] = subscription;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(OrganizationId organization, string subscriptionId, CancellationToken cancellationToken)
    {
        if (_byId.TryGetValue(subscriptionId, out var existing) && existing.Organization == organization)
        {
            _byId.TryRemove(subscriptionId, out _);
        }

        return Task.CompletedTask;
    }
}
