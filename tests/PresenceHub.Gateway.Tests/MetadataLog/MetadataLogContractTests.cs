using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.MetadataLog;

/// <summary>The metadata log's contract, on memory and on a real redis-server.</summary>
public abstract class MetadataLogContractTests
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private protected abstract IMetadataLog NewLog(MetadataLogOptions options);

    [Fact]
    public async Task Query_ByUserAndTimeRange_NewestFirst_AndOrganizationsNeverMix()
    {
        var log = NewLog(new MetadataLogOptions());
        var (a, b) = (new OrganizationId(Guid.NewGuid()), new OrganizationId(Guid.NewGuid()));
        var (alice, bob) = (Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"));
        var start = Time.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            var user = i % 2 == 0 ? alice : bob;
            await log.AppendAsync(a, [new MetadataLogEntry(start.AddMinutes(i), MetadataLogEntry.UserAddress("teams", user), MetadataLogEntry.ConnectorAddress("xmpp-1"), MessageType.Presence, "s1")], default);
        }

        await log.AppendAsync(b, [new MetadataLogEntry(start, MetadataLogEntry.UserAddress("teams", alice), MetadataLogEntry.Gateway, MessageType.ProfileChange, "s2")], default);

        var all = await log.QueryAsync(a, null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, default);
        Assert.Equal(10, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Time >= p.Second.Time), "not newest first");
        var aliceInRange = await log.QueryAsync(a, alice, start.AddMinutes(2), start.AddMinutes(6), 100, default);
        Assert.Equal([start.AddMinutes(6), start.AddMinutes(4), start.AddMinutes(2)], aliceInRange.Select(e => e.Time).ToArray());
        Assert.All(aliceInRange, e => Assert.Equal(("xmpp-1", MessageType.Presence, "s1"), (e.Receiver["connector:".Length..], e.Type, e.SessionId)));
        Assert.Equal(2, (await log.QueryAsync(a, null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 2, default)).Count);
        var inB = Assert.Single(await log.QueryAsync(b, alice, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, default));
        Assert.Equal(MessageType.ProfileChange, inB.Type);
    }

    [Fact]
    public async Task EraseUser_RemovesEveryEntryConcerningThem_AndOnlyThose()
    {
        var log = NewLog(new MetadataLogOptions());
        var organization = new OrganizationId(Guid.NewGuid());
        var (alice, bob) = (Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"));
        var now = Time.GetUtcNow();
        await log.AppendAsync(organization,
        [
            new MetadataLogEntry(now, MetadataLogEntry.UserAddress("teams", alice), MetadataLogEntry.ConnectorAddress("c"), MessageType.Presence, "s"),
            new MetadataLogEntry(now, MetadataLogEntry.UserAddress("xmpp", alice), MetadataLogEntry.UserAddress("teams", alice), MessageType.Presence, "s"),
            new MetadataLogEntry(now, MetadataLogEntry.UserAddress("teams", bob), MetadataLogEntry.ConnectorAddress("c"), MessageType.Presence, "s"),
        ], default);

        Assert.Equal(2, await log.EraseUserAsync(organization, alice, default));
        Assert.Empty(await log.QueryAsync(organization, alice, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, default));
        Assert.Single(await log.QueryAsync(organization, bob, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, default));
    }

    [Fact]
    public async Task EntriesAppendedOutOfTimeOrder_AreAllKept_WithTheirOwnTimes()
    {
        // Two replicas (or the webhook and a connector stream) append with clocks a little apart: an entry older than
        // the newest one already in the log, even within one batch, must still be kept with its own time.
        var log = NewLog(new MetadataLogOptions());
        var organization = new OrganizationId(Guid.NewGuid());
        var user = Guid.NewGuid().ToString("D");
        var now = Time.GetUtcNow();
        MetadataLogEntry Entry(DateTimeOffset time, string session) =>
            new(time, MetadataLogEntry.UserAddress("teams", user), MetadataLogEntry.Gateway, MessageType.Presence, session);
        await log.AppendAsync(organization, [Entry(now, "newest"), Entry(now.AddSeconds(-5), "older-in-batch")], default);
        await log.AppendAsync(organization, [Entry(now.AddSeconds(-3), "older-later"), Entry(now, "same-time")], default);

        var all = await log.QueryAsync(organization, user, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, default);
        Assert.Equal(
            ["newest", "older-in-batch", "older-later", "same-time"],
            all.Select(e => e.SessionId).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(now.AddSeconds(-5), all.Single(e => e.SessionId == "older-in-batch").Time);
        Assert.Equal(now.AddSeconds(-3), all.Single(e => e.SessionId == "older-later").Time);
    }

    [Fact]
    public async Task EntriesOlderThanTheRetention_AreTrimmedAutomatically()
    {
        var log = NewLog(new MetadataLogOptions { Retention = TimeSpan.FromDays(30) });
        var organization = new OrganizationId(Guid.NewGuid());
        var user = Guid.NewGuid().ToString("D");
        await log.AppendAsync(organization, [new MetadataLogEntry(Time.GetUtcNow(), MetadataLogEntry.UserAddress("teams", user), MetadataLogEntry.Gateway, MessageType.Presence, "old")], default);
        Time.Advance(TimeSpan.FromDays(31));
        await log.AppendAsync(organization, [new MetadataLogEntry(Time.GetUtcNow(), MetadataLogEntry.UserAddress("teams", user), MetadataLogEntry.Gateway, MessageType.Presence, "new")], default);

        var left = await log.QueryAsync(organization, null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, default);
        Assert.Equal(["new"], left.Select(e => e.SessionId).ToArray());
    }
}

public sealed class InMemoryMetadataLogTests : MetadataLogContractTests
{
    private protected override IMetadataLog NewLog(MetadataLogOptions options) => new InMemoryMetadataLog(Options.Create(options), Time);
}

public sealed class RedisMetadataLogTests(RedisServerFixture redis) : MetadataLogContractTests, IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly List<RedisConnection> _connections = [];

    // Stream ids carry the entries' times in milliseconds and must grow: the test clock starts at the real time, on a millisecond.
    private readonly DateTimeOffset _realStart = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private protected override IMetadataLog NewLog(MetadataLogOptions options)
    {
        Time.SetUtcNow(_realStart);
        var relay = Options.Create(new StateOptions
        {
            Mode = StateMode.Redis,
            Redis = redis.Server.Configuration,
            KeyPrefix = "m" + Guid.NewGuid().ToString("N")[..8],
        });
        var connection = new RedisConnection(relay, NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        return new RedisMetadataLog(connection, relay, Options.Create(options), Time, NullLogger<RedisMetadataLog>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
