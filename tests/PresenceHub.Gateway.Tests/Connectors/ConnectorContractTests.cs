using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>
/// What protos/README.md promises a connector written from the protos alone: the generated client on a real gRPC
/// channel to the gateway (no SDK), with the in-memory relay and with Redis.
/// </summary>
public sealed class ConnectorContractTests
{
    private const string Platform = "python";

    public static TheoryData<bool> Relays => new() { false, true };

    [Theory]
    [MemberData(nameof(Relays))]
    public async Task ConnectorThatCrashedBeforeAcknowledgingItsFirstSnapshot_GetsTheWholeSnapshotAgain(bool redis)
    {
        await using var hub = await Hub.StartAsync(redis, users: 3);

        await using (var first = await hub.ConnectAsync("py-1"))
        {
            Assert.Equal(V1.ResumeOutcome.Fresh, first.Welcome.ResumeOutcome);
            await first.ReadUntilAsync(events => SnapshotUsers(events).SetEquals(hub.Users), acknowledge: false);
            first.Crash();
        }

        await using var second = await hub.ConnectAsync("py-1");
        Assert.Equal(V1.ResumeOutcome.Fresh, second.Welcome.ResumeOutcome);
        await second.ReadUntilAsync(events => SnapshotUsers(events).SetEquals(hub.Users), acknowledge: true);
    }

    [Theory]
    [MemberData(nameof(Relays))]
    public async Task UnknownMalformedOrNewerResumeCursors_GetASnapshot_AndAKnownOneResumes(bool redis)
    {
        await using var hub = await Hub.StartAsync(redis, users: 2);
        string last;
        await using (var first = await hub.ConnectAsync("py-1"))
        {
            await first.ReadUntilAsync(events => SnapshotUsers(events).SetEquals(hub.Users), acknowledge: true);
            hub.World.Control.SetUserPresence(hub.Users[0], "Busy", "InACall");
            await first.ReadUntilAsync(events => events.Any(e => !IsSnapshot(e) && e.Presence?.Presence.Activity == "InACall"), acknowledge: true);
            last = first.Events.Last().Cursor;

            // An acknowledgement of a cursor this stream never sent is answered, not silently ignored.
            await first.AcknowledgeAsync(last + "-never-sent");
            Assert.Equal(V1.StreamErrorReason.UnknownCursor, (await first.NextErrorAsync()).Reason);
            await first.CloseAsync();
        }

        var newer = new string(last.Select(c => char.IsAsciiDigit(c) ? '9' : c).ToArray());
        foreach (var cursor in new[] { "garbage", newer, "0000000000000000000~0000000000.000000:nomark:0:0:1" })
        {
            await using var stream = await hub.ConnectAsync("py-1", cursor);
            Assert.True(stream.Welcome.ResumeOutcome == V1.ResumeOutcome.Snapshot, $"resume cursor '{cursor}' gave {stream.Welcome.ResumeOutcome}");
            await stream.ReadUntilAsync(events => SnapshotUsers(events).SetEquals(hub.Users), acknowledge: true);
            last = stream.Events.Last().Cursor;
            await stream.CloseAsync();
        }

        await using var resumed = await hub.ConnectAsync("py-1", last);
        Assert.Equal(V1.ResumeOutcome.Resumed, resumed.Welcome.ResumeOutcome);
        hub.World.Control.SetUserPresence(hub.Users[1], "Away", "Away");
        await resumed.ReadUntilAsync(events => events.Any(e => e.User.TeamsUserId == hub.Users[1] && e.Presence?.Presence.Availability == "Away"), acknowledge: true);
        Assert.DoesNotContain(resumed.Events, IsSnapshot);
    }

    [Theory]
    [MemberData(nameof(Relays))]
    public async Task CursorsIncreaseWithinEveryBatch_AlsoRightAfterAResume(bool redis)
    {
        await using var hub = await Hub.StartAsync(redis, users: 4, new Dictionary<string, string?> { ["Connectors:MaxUnacknowledgedEvents"] = "4" });
        string[] activities = ["Available", "Away", "BeRightBack", "Busy", "DoNotDisturb"];
        string resumeFrom;
        await using (var first = await hub.ConnectAsync("py-1"))
        {
            await first.ReadUntilAsync(events => SnapshotUsers(events).SetEquals(hub.Users), acknowledge: true);
            resumeFrom = first.Events.Last().Cursor;

            // Changes pile up behind a window of 4 while the connector acknowledges nothing, then it crashes.
            for (var round = 0; round < 10; round++)
            {
                hub.World.Control.SetUserPresences(hub.Users.Select((u, i) => (u, activities[(round + i) % 5], activities[(round + i) % 5])));
            }

            await first.ReadUntilAsync(events => events.Count(e => !IsSnapshot(e)) >= 4, acknowledge: false);
            AssertIncreasing(first.Batches);
            first.Crash();
        }

        var truth = hub.Users.ToDictionary(u => u, u => hub.World.Control.GetPresence(u).Availability);
        await using var second = await hub.ConnectAsync("py-1", resumeFrom);
        Assert.Equal(V1.ResumeOutcome.Resumed, second.Welcome.ResumeOutcome);
        await second.ReadUntilAsync(events => hub.Users.All(u =>
            events.LastOrDefault(e => e.User.TeamsUserId == u && e.Presence is not null)?.Presence.Presence.Availability == truth[u]), acknowledge: true);
        AssertIncreasing(second.Batches);
    }

    [Theory]
    [MemberData(nameof(Relays))]
    public async Task NewConnector_ReceivesTheProfileOfEveryVisibleUser(bool redis)
    {
        await using var hub = await Hub.StartAsync(redis, users: 3);
        var directory = hub.World.Gateway.Services.GetRequiredService<IUserDirectory>();
        var profiles = await directory.GetManyAsync(hub.World.Organization, hub.Users, CancellationToken.None);
        Assert.All(profiles, p => Assert.False(string.IsNullOrEmpty(p?.DisplayName), "a consenting user has no profile in the directory"));

        await using var stream = await hub.ConnectAsync("py-1");
        await stream.ReadUntilAsync(events => events.Where(e => e.Kind == V1.EventKind.Profile).Select(e => e.User.TeamsUserId).ToHashSet().SetEquals(hub.Users),
            acknowledge: true);
        foreach (var profile in profiles)
        {
            var received = stream.Events.Last(e => e.Kind == V1.EventKind.Profile && e.User.TeamsUserId == profile!.UserId).Profile.Profile;
            Assert.Equal(profile!.DisplayName, received.DisplayName);
            Assert.Equal(profile.UserPrincipalName, received.UserPrincipalName);
            Assert.Equal(profile.Mail ?? string.Empty, received.Mail);
        }

        AssertIncreasing(stream.Batches);
    }

    [Fact]
    public async Task PlatformOrderingStamps_AreAcceptedAndOrderedOrdinally_AndOtherFormsAreRefusedNamingTheFormat()
    {
        await using var hub = await Hub.StartAsync(redis: false, users: 2);
        await hub.World.LinkIdentityAsync(Platform, "py-user", hub.Users[1]);

        Assert.Equal(V1.PublicationOutcome.Accepted, (await hub.PublishAsync(Publication("00000000000000000002"))).Outcome);
        Assert.Equal(V1.PublicationOutcome.Stale, (await hub.PublishAsync(Publication("00000000000000000001"))).Outcome);
        Assert.Equal(V1.PublicationOutcome.Stale, (await hub.PublishAsync(Publication("00000000000000000002"))).Outcome);
        Assert.Equal(V1.PublicationOutcome.Accepted, (await hub.PublishAsync(Publication("00000000000000000010"))).Outcome);
        // Compared ordinally, as the contract says: unpadded "9" sorts after "00...10".
        Assert.Equal(V1.PublicationOutcome.Accepted, (await hub.PublishAsync(Publication("9"))).Outcome);
        Assert.Equal(V1.PublicationOutcome.Accepted, (await hub.PublishAsync(Publication("9a-2026.12.07T10:00Z"))).Outcome);

        foreach (var (version, named) in new[] { ("12 34", "position 2"), ("café", "position 3"), (new string('7', 256), "got 256 characters") })
        {
            var refused = await hub.PublishAsync(Publication(version));
            Assert.Equal(V1.PublicationOutcome.Rejected, refused.Outcome);
            Assert.Contains("printable ASCII", refused.Detail, StringComparison.Ordinal);
            Assert.Contains("zero-padded", refused.Detail, StringComparison.Ordinal);
            Assert.Contains(named, refused.Detail, StringComparison.Ordinal);
        }

        var longStatus = Publication("00000000000000000011");
        longStatus.Presence.StatusMessage = new V1.StatusMessage { Content = new string('x', 1000) };
        var tooLong = await hub.PublishAsync(longStatus);
        Assert.Equal(V1.PublicationOutcome.Rejected, tooLong.Outcome);
        Assert.Contains("at most 280 characters", tooLong.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelloAndUnaryCalls_FollowTheGuidesRules()
    {
        await using var hub = await Hub.StartAsync(redis: false, users: 1);
        foreach (var (connectorId, platform, named) in new[] { ("-abc", Platform, "connector_id"), ("py-1", "Pytest-Platform", "lowercase"), ("py-1", "teams", "Teams") })
        {
            await using var stream = await RawConnectorStream.StartAsync(hub.World.ConnectorAddress, hub.Key, connectorId, platform);
            var refused = await stream.EndAsync();
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(named, refused.Status.Detail, StringComparison.Ordinal);
        }

        // A key bound to one platform can neither look up nor resolve as another.
        var xmppKey = await hub.World.IssueConnectorKeyAsync("xmpp only", "xmpp");
        using var channel = GrpcChannel.ForAddress(hub.World.ConnectorAddress);
        var client = new V1.ConnectorService.ConnectorServiceClient(channel);
        var lookup = new V1.GetLastKnownPresenceRequest { Users = { new V1.UserReference { TeamsUserId = hub.Users[0] } } };
        var resolve = new V1.ResolveIdentityRequest { Queries = { new V1.IdentityQuery { PlatformIdentity = new V1.PlatformIdentity { PlatformUserId = "x", Mail = "x@contoso.com" } } } };
        var asSlack = Headers(xmppKey, "slack");
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => client.GetLastKnownPresenceAsync(lookup, asSlack).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => client.ResolveIdentityAsync(resolve, asSlack).ResponseAsync)).StatusCode);
        Assert.Single((await client.GetLastKnownPresenceAsync(lookup, Headers(xmppKey, "xmpp"))).Presences);
        Assert.Single((await client.ResolveIdentityAsync(resolve, Headers(xmppKey, "xmpp"))).Resolutions);
    }

    [Fact]
    public async Task OversizedMessages_AreRefusedNamingTheLimit_OnUnaryCallsAndStreams()
    {
        await using var hub = await Hub.StartAsync(redis: false, users: 1);
        var oversized = Publication("00000000000000000001");
        oversized.MailHint = new string('a', 70_000);

        var unary = await Assert.ThrowsAsync<RpcException>(() => hub.PublishAsync(oversized));
        Assert.Equal(StatusCode.ResourceExhausted, unary.StatusCode);
        Assert.Contains("Connectors:MaxMessageBytes (65536 bytes)", unary.Status.Detail, StringComparison.Ordinal);

        await using var stream = await hub.ConnectAsync("py-1");
        try
        {
            await stream.SendAsync(new V1.ConnectRequest { Publication = oversized });
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The hub may refuse the message and end the call while it is still being written; the status tells why.
        }

        var ended = await stream.EndAsync();
        Assert.Equal(StatusCode.ResourceExhausted, ended.StatusCode);
        Assert.Contains("Connectors:MaxMessageBytes (65536 bytes)", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentStream_EndsAfterThreeHeartbeatIntervals_NotFour()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = await Hub.StartAsync(redis: false, users: 1, configureServices: services =>
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ConnectorSessionServices>(sp, (TimeProvider)time)));
        await using var stream = await hub.ConnectAsync("py-1");
        var interval = stream.Welcome.HeartbeatInterval.ToTimeSpan();

        // Just short of three intervals the stream is alive: the heartbeat is echoed.
        time.Advance(interval * 3 - TimeSpan.FromSeconds(1));
        await stream.SendAsync(new V1.ConnectRequest { Heartbeat = new V1.Heartbeat { Sequence = 1 } });
        while ((await stream.NextAsync()).Heartbeat is not { Sequence: 1 })
        {
        }

        // Three intervals of silence after that heartbeat end it, though no tick of a fixed interval falls there.
        time.Advance(interval * 3);
        var ended = await stream.EndAsync();
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
    }

    private static V1.PresencePublication Publication(string version) => new()
    {
        PublicationId = Guid.NewGuid().ToString("N"),
        PlatformUserId = "py-user",
        Presence = new V1.PresenceState { Availability = "Busy", Activity = "InACall" },
        Version = version,
    };

    private static Metadata Headers(string key, string platform) => new()
    {
        { "authorization", $"Bearer {key}" },
        { ConnectorService.PlatformHeader, platform },
    };

    private static bool IsSnapshot(V1.ConnectorEvent e) => e.Presence is { Snapshot: true };

    private static HashSet<string> SnapshotUsers(IEnumerable<V1.ConnectorEvent> events) =>
        events.Where(IsSnapshot).Select(e => e.User.TeamsUserId).ToHashSet(StringComparer.Ordinal);

    private static void AssertIncreasing(IEnumerable<V1.EventBatch> batches)
    {
        foreach (var batch in batches)
        {
            var cursors = batch.Events.Select(e => e.Cursor).ToList();
            for (var i = 1; i < cursors.Count; i++)
            {
                Assert.True(string.CompareOrdinal(cursors[i - 1], cursors[i]) < 0, $"cursors do not increase within a batch: [{string.Join(", ", cursors)}]");
            }
        }
    }

    /// <summary>The gateway with consenting users who all have a presence, a connector key, and a Redis server when asked.</summary>
    private sealed class Hub : IAsyncDisposable
    {
        private RedisServer? _redis;

        public GraphIngestWorld World { get; private set; } = null!;

        public string Key { get; private set; } = null!;

        public IReadOnlyList<string> Users => World.UserIds;

        public static async Task<Hub> StartAsync(
            bool redis, int users, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
        {
            var hub = new Hub();
            try
            {
                hub._redis = redis ? await RedisServer.StartAsync() : null;
                hub.World = await ConnectorApiTests.StartAsync(users, redis: hub._redis?.Configuration, settings: settings, configureServices: configureServices);
                hub.World.Control.SetUserPresences(hub.Users.Select(u => (u, "Available", "Available")));
                await Eventually.UntilAsync(async () =>
                {
                    foreach (var user in hub.Users)
                    {
                        if ((await hub.World.LastKnownAsync(user))?.State.Availability != PresenceHub.Presence.Availability.Available)
                        {
                            return false;
                        }
                    }

                    return true;
                }, because: "the users' presence did not reach the relay");
                hub.Key = await hub.World.IssueConnectorKeyAsync("contract");
                return hub;
            }
            catch
            {
                await hub.DisposeAsync();
                throw;
            }
        }

        public Task<RawConnectorStream> ConnectAsync(string connectorId, string resumeCursor = "") =>
            RawConnectorStream.ConnectAsync(World.ConnectorAddress, Key, connectorId, Platform, resumeCursor);

        public async Task<V1.PublicationResult> PublishAsync(V1.PresencePublication publication)
        {
            using var channel = GrpcChannel.ForAddress(World.ConnectorAddress);
            var client = new V1.ConnectorService.ConnectorServiceClient(channel);
            return (await client.PublishPresenceAsync(new V1.PublishPresenceRequest { Publication = publication }, Headers(Key, Platform))).Result;
        }

        public async ValueTask DisposeAsync()
        {
            if (World is not null)
            {
                await World.DisposeAsync();
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
    }
}
