using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>The contract on a 3-master Redis Cluster: every organization's keys share a slot through the hash tag.</summary>
public sealed class RedisClusterPresenceRelayTests(RedisClusterFixture redis) : PresenceRelayContractTests, IClassFixture<RedisClusterFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    protected override bool HasSeparateReplicas => true;

    protected override bool ProfileEventsCarryTheProfile => false;

    private protected override StateOptions CreateState() =>
        new() { Mode = StateMode.Redis, Redis = redis.Cluster.Configuration, KeyPrefix = _prefix };

    [Fact]
    public async Task Publish_OrganizationsSpreadOverEveryMaster()
    {
        var relay = await StartAsync();
        var organizations = Enumerable.Range(0, 24).Select(_ => Presences.NewOrganization()).ToList();

        var outcomes = await relay.PublishAsync(organizations.Select(o => Presences.Update(o, "u1", 1)).ToList(), Timeout());

        Assert.All(outcomes, o => Assert.Equal(PublishOutcome.Accepted, o));
        foreach (var node in redis.Cluster.Nodes)
        {
            var keys = await node.CliAsync("--scan", "--pattern", _prefix + ":*");
            Assert.NotEmpty(keys.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
