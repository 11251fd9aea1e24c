using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>What every write-back store must do: compare-and-set on revisions, a due index, tenants apart.</summary>
public abstract class WriteBackStoreContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly OrganizationId _org = new(Guid.NewGuid());
    private readonly OrganizationId _other = new(Guid.NewGuid());

    /// <summary>A store; stores created by one test share their state, as replicas on one Redis do.</summary>
    private protected abstract IWriteBackStore CreateStore();

    [Fact]
    public async Task Replace_WritesOnlyOverTheExpectedRevision()
    {
        var store = CreateStore();
        var key = Key(_org);
        Assert.True(await store.TryReplaceAsync(key, 0, Entry("Away/Away"), null, CancellationToken.None));
        Assert.False(await store.TryReplaceAsync(key, 0, Entry("Busy/InACall"), null, CancellationToken.None));
        Assert.False(await store.TryReplaceAsync(key, 2, Entry("Busy/InACall"), null, CancellationToken.None));
        Assert.True(await store.TryReplaceAsync(key, 1, Entry("Busy/InACall"), null, CancellationToken.None));

        var stored = (await store.GetAsync([key], CancellationToken.None))[0]!;
        Assert.Equal(2, stored.Revision);
        Assert.Equal("Busy/InACall", stored.AppliedPair);
        Assert.Equal(Entry("Busy/InACall").Sources, stored.Sources);
    }

    [Fact]
    public async Task ConcurrentReplacesOfOneRevision_ExactlyOneWins()
    {
        var key = Key(_org);
        Assert.True(await CreateStore().TryReplaceAsync(key, 0, Entry("Away/Away"), Now, CancellationToken.None));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            CreateStore().TryReplaceAsync(key, 1, Entry("Away/Away") with { Claim = $"claim-{i}" }, Now.AddMinutes(2), CancellationToken.None)));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Due_ListsEntriesDueByNow_AndForgetsDeletedOrUndueOnes()
    {
        var store = CreateStore();
        var (early, late, undue, deleted, elsewhere) = (Key(_org), Key(_org), Key(_org), Key(_org), Key(_other));
        await store.TryReplaceAsync(early, 0, Entry("Away/Away"), Now.AddMinutes(-1), CancellationToken.None);
        await store.TryReplaceAsync(late, 0, Entry("Away/Away"), Now.AddMinutes(1), CancellationToken.None);
        await store.TryReplaceAsync(undue, 0, Entry("Away/Away"), Now, CancellationToken.None);
        await store.TryReplaceAsync(undue, 1, Entry("Away/Away"), null, CancellationToken.None);
        await store.TryReplaceAsync(deleted, 0, Entry("Away/Away"), Now, CancellationToken.None);
        await store.TryReplaceAsync(deleted, 1, null, null, CancellationToken.None);
        await store.TryReplaceAsync(elsewhere, 0, Entry("Away/Away"), Now, CancellationToken.None);

        var due = await CreateStore().DueAsync(Now, 100, CancellationToken.None);
        Assert.Equal([early, elsewhere], due.Where(k => k.Organization == _org || k.Organization == _other).OrderBy(k => k.Organization == _other));
        Assert.Null((await store.GetAsync([deleted], CancellationToken.None))[0]);
        Assert.Contains(late, await store.DueAsync(Now.AddMinutes(1), 100, CancellationToken.None));
    }

    [Fact]
    public async Task Get_ReadsManyUsersOfSeveralTenantsAtOnce_NullWhereThereIsNone()
    {
        var store = CreateStore();
        var (a, b, missing) = (Key(_org), Key(_other), Key(_org));
        await store.TryReplaceAsync(a, 0, Entry("Away/Away"), null, CancellationToken.None);
        await store.TryReplaceAsync(b, 0, Entry("DoNotDisturb/Presenting"), null, CancellationToken.None);
        var read = await CreateStore().GetAsync([a, missing, b], CancellationToken.None);
        Assert.Equal(["Away/Away", null, "DoNotDisturb/Presenting"], read.Select(e => e?.AppliedPair));
        Assert.Null((await store.GetAsync([new WriteBackKey(_other, a.UserId)], CancellationToken.None))[0]);
    }

    [Fact]
    public async Task LeavingEntry_KeepsItsPendingClear_UntilDeleted()
    {
        var store = CreateStore();
        var key = Key(_org);
        var options = new WriteBackOptions();
        Assert.True(await store.TryReplaceAsync(key, 0, Entry("Away/Away"), null, CancellationToken.None));
        var leaving = Entry("Away/Away").Leaving(Now, options).Failed(Now, options);
        Assert.True(await store.TryReplaceAsync(key, 1, leaving, leaving.DueAt(Now, options), CancellationToken.None));

        // Another replica reads the same pending clear and finds it due at its retry.
        var read = (await CreateStore().GetAsync([key], CancellationToken.None))[0]!;
        Assert.Empty(read.Sources);
        Assert.Equal(leaving with { Revision = 2 }, read with { Sources = leaving.Sources });
        Assert.True(read.IsLeaving);
        Assert.Equal(Now + options.ClaimTimeout + options.SessionLifetime, read.EndsBy);
        Assert.DoesNotContain(key, await store.DueAsync(Now, 100, CancellationToken.None));
        Assert.Contains(key, await CreateStore().DueAsync(read.RetryAt!.Value, 100, CancellationToken.None));

        Assert.True(await store.TryReplaceAsync(key, 2, null, null, CancellationToken.None));
        Assert.Null((await store.GetAsync([key], CancellationToken.None))[0]);
        Assert.DoesNotContain(key, await store.DueAsync(read.RetryAt!.Value, 100, CancellationToken.None));
    }

    private static WriteBackKey Key(OrganizationId organization) => new(organization, Guid.NewGuid().ToString("D"));

    private static WriteBackEntry Entry(string pair) => new()
    {
        Accepted = 1,
        Sources = [new WriteBackSource("xmpp", "s1", pair, 1)],
        AppliedPair = pair,
        AppliedPlatform = "xmpp",
        AppliedAt = Now,
        ExpiresAt = Now.AddHours(1),
    };
}

public sealed class InMemoryWriteBackStoreTests : WriteBackStoreContractTests
{
    private readonly InMemoryWriteBackStore _store = new();

    private protected override IWriteBackStore CreateStore() => _store;
}

public sealed class RedisWriteBackStoreTests(RedisServerFixture redis) : WriteBackStoreContractTests, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = "wbs" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<RedisConnection> _connections = [];

    private protected override IWriteBackStore CreateStore()
    {
        var options = Options.Create(new StateOptions { Mode = StateMode.Redis, Redis = redis.Server.Configuration, KeyPrefix = _prefix });
        var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        return new RedisWriteBackStore(connection, options);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
