using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>The contract in memory: a single gateway, so every "replica" is the same store.</summary>
public sealed class InMemoryGraphStoresTests : GraphStoresContractTests
{
    private readonly InMemoryGraphSubscriptionStore _subscriptions = new();
    private readonly InMemoryConsentStore _consents = new();

    private protected override IGraphSubscriptionStore NewSubscriptionStore() => _subscriptions;

    private protected override IConsentStore NewConsentStore() => _consents;
}
