using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Relay;

public sealed class RedisPresenceRelayTests(RedisServerFixture redis) : PresenceRelayContractTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    protected override bool HasSeparateReplicas => true;

    protected override bool ProfileEventsCarryTheProfile => false;

    private protected override StateOptions CreateState() =>
        new() { Mode = StateMode.Redis, Redis = redis.Server.Configuration, KeyPrefix = _prefix };

    [Fact]
    public async Task Keys_AllCarryTheOrganizationHashTag()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());

        var keys = (await redis.Server.CliAsync("--scan", "--pattern", _prefix + ":*"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.StartsWith($"{_prefix}:{{{organization}}}:", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FreeTexts_LiveOnlyInTheExpiringLastKnownRecord_AndStillReachAConnector_WhileCurrent()
    {
        var relay = await StartAsync(configureState: o => o.LastKnownTimeToLive = TimeSpan.FromHours(1));
        var organization = Presences.NewOrganization();
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        PresenceUpdate WithTexts(string user, long sequence, string text) => Presences.Update(organization, user, sequence) with
        {
            State = new PresenceState(Availability.Away, Activity.OffWork, new StatusMessage("status " + text), new OutOfOfficeSettings(true, "reply " + text)),
        };

        // u1 changes twice before the connector reads: the first event is superseded; u2 changes once.
        await relay.PublishAsync([WithTexts("u1", 1, "canary-first"), WithTexts("u2", 1, "canary-only")], Timeout());
        await relay.PublishAsync([WithTexts("u1", 2, "canary-second")], Timeout());

        var stream = await redis.Server.CliAsync("XRANGE", $"{_prefix}:{{{organization}}}:events", "-", "+");
        Assert.DoesNotContain("canary", stream, StringComparison.Ordinal);
        var ttl = long.Parse(await redis.Server.CliAsync("PTTL", $"{_prefix}:{{{organization}}}:lk:teams:u1"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 1, (long)TimeSpan.FromHours(1).TotalMilliseconds);

        var events = await ReadUntilAsync(feed, got => got.Count >= 3);
        Assert.Null(events[0].Presence!.State.StatusMessage);
        Assert.Equal(Availability.Away, events[0].Presence!.State.Availability);
        Assert.Equal("status canary-only", events[1].Presence!.State.StatusMessage?.Content);
        Assert.Equal("reply canary-only", events[1].Presence!.State.OutOfOffice?.Message);
        Assert.Equal("status canary-second", events[2].Presence!.State.StatusMessage?.Content);
    }

    [Fact]
    public async Task OpenFeed_ManyFeedsOfOneOrganizationAtOnce_AllOpenAndAllWake()
    {
        // Two connectors of one organization connecting to a replica at the same moment could find the first one's
        // wake-up subscription not yet set, and fail with a NullReferenceException (found by the fault suite on a
        // loaded machine; the window is narrow, so this opens many feeds of fresh organizations at once).
        var relay = await StartAsync();
        for (var round = 0; round < 20; round++)
        {
            var organization = Presences.NewOrganization();
            var feeds = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                Task.Run(() => relay.OpenFeedAsync(new ConnectorFeedId(organization, "c" + i), "c" + i, Timeout()))));
            try
            {
                await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());
                foreach (var feed in feeds)
                {
                    var events = await ReadUntilAsync(feed, got => got.Any(e => !e.IsSnapshot));
                    Assert.Contains(events, e => e.Presence?.UserId == "u1");
                }
            }
            finally
            {
                foreach (var feed in feeds)
                {
                    await feed.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Publish_PastRetention_KeepsTheStreamBounded()
    {
        var relay = await StartAsync(o =>
        {
            o.RetentionMaxLength = 200;
            o.LagBound = 100;
        });
        var organization = Presences.NewOrganization();
        for (var round = 1; round <= 100; round++)
        {
            await relay.PublishAsync(Enumerable.Range(1, 20).Select(u => Presences.Update(organization, "u" + u, round)).ToList(), Timeout());
        }

        var length = long.Parse(await redis.Server.CliAsync("XLEN", $"{_prefix}:{{{organization}}}:events"), System.Globalization.CultureInfo.InvariantCulture);

        // MAXLEN ~ trims whole stream nodes (100 entries by default), so up to one node over the bound remains.
        Assert.InRange(length, 200, 300);
    }

    [Fact]
    public async Task Feed_EntryOfAnUnknownKind_IsDeliveredWithoutPayload()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());

        await redis.Server.CliAsync("XADD", $"{_prefix}:{{{organization}}}:events", "*", "k", "profile-changed", "d", "{}");
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());
        var events = await ReadUntilAsync(feed, got => got.Count >= 2);

        Assert.Equal("profile-changed", events[0].Kind.Token);
        Assert.Null(events[0].Presence);
        Assert.Equal(RelayEventKind.Presence, events[1].Kind);
    }

    [Fact]
    public void Configure_LeavesNoBacklogAndShortTimeouts_UnlessTheOperatorSetsThem()
    {
        var defaults = RedisConnection.Configure(new StateOptions { Mode = StateMode.Redis, Redis = "localhost:6379" });
        var explicitTimeout = RedisConnection.Configure(new StateOptions { Mode = StateMode.Redis, Redis = "localhost:6379,asyncTimeout=750" });

        Assert.Equal(BacklogPolicy.FailFast, defaults.BacklogPolicy);
        Assert.False(defaults.AbortOnConnectFail);
        Assert.Equal(2000, defaults.AsyncTimeout);
        Assert.Equal(2000, defaults.ConnectTimeout);
        Assert.Equal(750, explicitTimeout.AsyncTimeout);
    }

    [Fact]
    public async Task Feed_EntriesWrittenBeforeUserEvents_StillDecode()
    {
        // An entry as a gateway without profile events wrote it: kind and payload only, no new fields.
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        var old = System.Text.Encoding.UTF8.GetString(PresenceUpdateCodec.Encode(Presences.Update(organization, "u1", 3)));

        await redis.Server.CliAsync("XADD", $"{_prefix}:{{{organization}}}:events", "*", "k", "presence", "d", old);
        await redis.Server.CliAsync("XADD", $"{_prefix}:{{{organization}}}:events", "*", "k", "profile", "d", """{"u":"u2","p":"b@contoso.com","x":1}""");
        var events = await ReadUntilAsync(feed, got => got.Count >= 2);

        Assert.Equal(Presences.Update(organization, "u1", 3), events[0].Presence);
        Assert.Null(events[0].Profile);
        Assert.Equal(new PresenceHub.Gateway.Profiles.UserProfileRecord("u2", null, null, "b@contoso.com", null, true), events[1].Profile);
    }
}
