using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>Where subscription records live: Redis when replicas share state, memory for the embedded demo.</summary>
internal interface IGraphSubscriptionStore
{
    /// <summary>The record of a subscription id, or null when PresenceHub holds no such subscription.</summary>
    ValueTask<GraphSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Every subscription of an organization.</summary>
    Task<IReadOnlyList<GraphSubscription>> ListAsync(OrganizationId organization, CancellationToken cancellationToken);

    /// <summary>Adds or replaces a record.</summary>
    Task SaveAsync(GraphSubscription subscription, CancellationToken cancellationToken);

    /// <summary>Removes a record; removing a missing one does nothing.</summary>
    Task DeleteAsync(OrganizationId organization, string subscriptionId, CancellationToken cancellationToken);
}
