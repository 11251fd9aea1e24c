using System.Globalization;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>Two gateway replicas, each with its own connection, contend for the keeper lease on one real Redis.</summary>
public sealed class RedisKeeperLeaseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<RedisStoreReplica> _replicas = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryHold_WhileAnotherReplicaHolds_IsRefused_AndOnlyTheHolderExtends()
    {
        var a = Replica();
        var b = Replica();

        Assert.True(await a.Lease.TryHoldAsync(Long, Timeout()));
        Assert.False(await b.Lease.TryHoldAsync(Long, Timeout()));
        Assert.True(await a.Lease.TryHoldAsync(Long * 2, Timeout()));
        Assert.False(await b.Lease.TryHoldAsync(Long, Timeout()));

        // The holder's extension reached Redis: more time is left than the first hold granted.
        Assert.True(await PttlAsync() > Long.TotalMilliseconds);
    }

    [Fact]
    public async Task TryHold_AfterTheHolderStopsRenewing_AnotherReplicaTakesOver_AndTheFormerHolderCannotExtend()
    {
        var a = Replica();
        var b = Replica();
        var shortLease = TimeSpan.FromMilliseconds(300);
        Assert.True(await a.Lease.TryHoldAsync(shortLease, Timeout()));
        Assert.False(await b.Lease.TryHoldAsync(Long, Timeout()));

        // A stops renewing (a replica that died or hangs); B keeps asking, as its keeper would each pass.
        await Poll.UntilAsync(() => b.Lease.TryHoldAsync(Long, Timeout()), "the other replica takes the lease once it expires");

        Assert.False(await a.Lease.TryHoldAsync(Long, Timeout()));
        Assert.True(await b.Lease.TryHoldAsync(Long, Timeout()));
    }

    [Fact]
    public async Task Dispose_ReleasesTheLease_SoAnotherReplicaTakesItWithoutWaitingForExpiry()
    {
        var a = new RedisStoreReplica(redis.Server.Configuration, _prefix);
        var b = Replica();
        Assert.True(await a.Lease.TryHoldAsync(Long, Timeout()));

        await a.DisposeAsync();

        Assert.True(await b.Lease.TryHoldAsync(Long, Timeout()));
    }

    [Fact]
    public async Task Dispose_OfAReplicaThatDoesNotHold_LeavesTheHoldersLease()
    {
        var a = Replica();
        var b = new RedisStoreReplica(redis.Server.Configuration, _prefix);
        Assert.True(await a.Lease.TryHoldAsync(Long, Timeout()));
        Assert.False(await b.Lease.TryHoldAsync(Long, Timeout()));

        await b.DisposeAsync();

        Assert.False(await Replica().Lease.TryHoldAsync(Long, Timeout()));
        Assert.True(await a.Lease.TryHoldAsync(Long, Timeout()));
    }

    [Fact]
    public async Task TryHold_WhenRedisIsUnreachable_ReturnsFalse()
    {
        await using var stopped = await RedisServer.StartAsync();
        var configuration = stopped.Configuration;
        await stopped.KillAsync();
        await using var replica = new RedisStoreReplica(configuration, _prefix, operationTimeout: TimeSpan.FromMilliseconds(200));

        Assert.False(await replica.Lease.TryHoldAsync(Long, Timeout()));
    }

    private async Task<long> PttlAsync() =>
        long.Parse((await redis.Server.CliAsync("PTTL", _prefix + ":keeper-lease")).Trim(), CultureInfo.InvariantCulture);

    private RedisStoreReplica Replica()
    {
        var replica = new RedisStoreReplica(redis.Server.Configuration, _prefix);
        _replicas.Add(replica);
        return replica;
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
