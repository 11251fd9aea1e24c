using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>The contract on a 3-master Redis Cluster: no command or script touches keys of two slots.</summary>
public sealed class RedisClusterGraphStoresTests(RedisClusterFixture redis) : GraphStoresContractTests, IClassFixture<RedisClusterFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<RedisStoreReplica> _replicas = [];

    public override async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private protected override IGraphSubscriptionStore NewSubscriptionStore() => Replica().Subscriptions;

    private protected override IConsentStore NewConsentStore() => Replica().Consents;

    private RedisStoreReplica Replica()
    {
        var replica = new RedisStoreReplica(redis.Cluster.Configuration, _prefix);
        _replicas.Add(replica);
        return replica;
    }
}
