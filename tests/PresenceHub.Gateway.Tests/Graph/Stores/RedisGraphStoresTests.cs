using Microsoft.Extensions.Time.Testing;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>The contract on one redis-server, each store on its own connection as separate replicas would be.</summary>
public sealed class RedisGraphStoresTests(RedisServerFixture redis) : GraphStoresContractTests, IClassFixture<RedisServerFixture>
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

    [Fact]
    public async Task Keys_CarryTheOrganizationHashTag_ExceptTheSubscriptionIndexAndOrganizationSet()
    {
        var organization = NewOrganization();
        var replica = Replica();
        var subscription = Presence(organization, "u1");
        await replica.Subscriptions.SaveAsync(subscription, Timeout());
        await replica.Consents.GrantAsync(new Consent(organization, User(), ConsentSource.AdminAssigned, DateTimeOffset.UnixEpoch), Timeout());

        var keys = (await redis.Server.CliAsync("--scan", "--pattern", _prefix + ":*"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);

        Assert.Equal(
            new[]
            {
                $"{_prefix}:{{{organization}}}:consents",
                $"{_prefix}:{{{organization}}}:graph:subscriptions",
                $"{_prefix}:consent-organizations",
                $"{_prefix}:subscription:{subscription.Id}",
            }.Order(StringComparer.Ordinal),
            keys);
    }

    [Fact]
    public async Task ClientState_IsStoredSealed_AndARecordWrittenInClearIsStillReadThenSealedWhenSaved()
    {
        var organization = NewOrganization();
        var subscription = Presence(organization, "u1");
        await Replica().Subscriptions.SaveAsync(subscription, Timeout());
        var records = $"{_prefix}:{{{organization}}}:graph:subscriptions";
        var stored = await redis.Server.CliAsync("HGET", records, subscription.Id);
        Assert.DoesNotContain(subscription.ClientState, stored, StringComparison.Ordinal);
        Assert.Contains("sealedClientState", stored, StringComparison.Ordinal);

        // A record as written before sealing: clientState in clear.
        var legacy = System.Text.Json.Nodes.JsonNode.Parse(stored)!.AsObject();
        legacy.Remove("sealedClientState");
        legacy["clientState"] = "legacy-secret";
        await redis.Server.CliAsync("HSET", records, subscription.Id, legacy.ToJsonString());
        var replica = Replica();

        var found = await replica.Subscriptions.FindAsync(subscription.Id, Timeout());
        Assert.Equal("legacy-secret", found?.ClientState);
        await replica.Subscriptions.SaveAsync(found!, Timeout());
        Assert.DoesNotContain("legacy-secret", await redis.Server.CliAsync("HGET", records, subscription.Id), StringComparison.Ordinal);
        Assert.Equal("legacy-secret", (await Replica().Subscriptions.FindAsync(subscription.Id, Timeout()))?.ClientState);
    }

    [Fact]
    public async Task Find_AfterAnotherReplicaDeleted_ServesTheCachedRecordOnlyUntilTheCacheExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var webhook = Replica(time).Subscriptions;
        var keeper = Replica().Subscriptions;
        var organization = NewOrganization();
        var subscription = Presence(organization, "u1");
        await keeper.SaveAsync(subscription, Timeout());
        AssertSame(subscription, await webhook.FindAsync(subscription.Id, Timeout()));

        await keeper.DeleteAsync(organization, subscription.Id, Timeout());
        var withinLifetime = await webhook.FindAsync(subscription.Id, Timeout());
        time.Advance(RedisGraphSubscriptionStore.CacheLifetime);
        var afterLifetime = await webhook.FindAsync(subscription.Id, Timeout());

        AssertSame(subscription, withinLifetime);
        Assert.Null(afterLifetime);
    }

    [Fact]
    public async Task Find_AfterAnotherReplicaRenewed_SeesTheRenewalOnceTheCacheExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var webhook = Replica(time).Subscriptions;
        var keeper = Replica().Subscriptions;
        var subscription = Presence(NewOrganization(), "u1");
        await keeper.SaveAsync(subscription, Timeout());
        await webhook.FindAsync(subscription.Id, Timeout());
        var renewed = subscription with { ExpiresAt = subscription.ExpiresAt.AddHours(1) };

        await keeper.SaveAsync(renewed, Timeout());
        time.Advance(RedisGraphSubscriptionStore.CacheLifetime);

        AssertSame(renewed, await webhook.FindAsync(subscription.Id, Timeout()));
    }

    [Fact]
    public async Task Stores_WhenRedisIsUnreachable_ThrowRelayUnavailable()
    {
        await using var stopped = await RedisServer.StartAsync();
        var configuration = stopped.Configuration;
        await stopped.KillAsync();
        await using var replica = new RedisStoreReplica(configuration, _prefix, operationTimeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<StateUnavailableException>(() => replica.Subscriptions.FindAsync(Guid.NewGuid().ToString("D"), Timeout()).AsTask());
        await Assert.ThrowsAsync<StateUnavailableException>(() => replica.Subscriptions.SaveAsync(Presence(NewOrganization(), "u1"), Timeout()));
        await Assert.ThrowsAsync<StateUnavailableException>(() => replica.Consents.OrganizationsAsync(Timeout()));
    }

    private RedisStoreReplica Replica(TimeProvider? time = null)
    {
        var replica = new RedisStoreReplica(redis.Server.Configuration, _prefix, time);
        _replicas.Add(replica);
        return replica;
    }
}
