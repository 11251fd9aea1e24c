using PresenceHub.Gateway.State;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>
/// What every <see cref="IPresenceRelay"/> must do. Runs against the in-memory relay, Redis and a Redis Cluster;
/// each test uses fresh organizations and, on Redis, its own key prefix.
/// </summary>
public abstract class PresenceRelayContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly List<RelayHandle> _handles = [];
    private RelayOptions? _options;
    private StateOptions? _state;

    /// <summary>Where this implementation keeps its data, with a key prefix unique to the test.</summary>
    private protected abstract StateOptions CreateState();

    /// <summary>Whether a second replica is a separate relay instance sharing the store (Redis) or the same instance (in memory).</summary>
    protected abstract bool HasSeparateReplicas { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var handle in _handles)
        {
            await handle.DisposeAsync();
        }
    }

    [Fact]
    public async Task Publish_NewerVersions_AreAcceptedAndBecomeLastKnown()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();

        var first = await relay.PublishAsync([Presences.Update(organization, "u1", 1), Presences.Update(organization, "u2", 5)], Timeout());
        var second = await relay.PublishAsync([Presences.Update(organization, "u1", 2)], Timeout());

        Assert.Equal([PublishOutcome.Accepted, PublishOutcome.Accepted], first);
        Assert.Equal([PublishOutcome.Accepted], second);
        var known = await relay.GetLastKnownAsync(organization, [Subject("u1"), Subject("u2")], Timeout());
        Assert.Equal(Presences.Update(organization, "u1", 2), known[0]);
        Assert.Equal(Presences.Update(organization, "u2", 5), known[1]);
    }

    [Fact]
    public async Task Publish_SameVersionWithOtherContent_IsAConflict_AndKeepsTheFirst()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var admitted = Presences.Update(organization, "u1", 7);
        await relay.PublishAsync([admitted], Timeout());
        var otherText = admitted with { State = admitted.State with { StatusMessage = StatusMessage.Create("Back at 3"), }, ObservedAt = admitted.ObservedAt.AddSeconds(1) };
        var otherState = admitted with { State = PresenceState.ForCategory(PresenceCategory.DoNotDisturb) };
        var sameContentLater = admitted with { ObservedAt = admitted.ObservedAt.AddSeconds(5) };

        var outcomes = await relay.PublishAsync([otherText], Timeout());
        outcomes = [.. outcomes, .. await relay.PublishAsync([otherState, sameContentLater], Timeout())];

        Assert.Equal([PublishOutcome.Conflict, PublishOutcome.Conflict, PublishOutcome.Duplicate], outcomes);
        Assert.Equal(admitted, (await relay.GetLastKnownAsync(organization, [Subject("u1")], Timeout()))[0]);
    }

    [Fact]
    public async Task Publish_TheVersionACorrectionTookThePlaceOf_WithOtherContent_IsAConflict()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var admitted = Presences.Update(organization, "u1", 7);
        var correction = admitted with { State = PresenceState.ForCategory(PresenceCategory.Offline), Version = admitted.Version.Successor() };
        await relay.PublishAsync([admitted], Timeout());

        var outcomes = await relay.PublishAsync([correction], Timeout());
        outcomes = [.. outcomes, .. await relay.PublishAsync([admitted with { State = PresenceState.ForCategory(PresenceCategory.DoNotDisturb) }], Timeout())];
        outcomes = [.. outcomes, .. await relay.PublishAsync([admitted with { State = correction.State }], Timeout())];
        outcomes = [.. outcomes, .. await relay.PublishAsync([Presences.Update(organization, "u1", 6)], Timeout())];

        Assert.Equal([PublishOutcome.Accepted, PublishOutcome.Conflict, PublishOutcome.Stale, PublishOutcome.Stale], outcomes);
        Assert.Equal(correction, (await relay.GetLastKnownAsync(organization, [Subject("u1")], Timeout()))[0]);
    }

    [Fact]
    public async Task Publish_SameVersionAgain_IsDuplicate()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 7)], Timeout());

        var again = await relay.PublishAsync([Presences.Update(organization, "u1", 7)], Timeout());

        Assert.Equal([PublishOutcome.Duplicate], again);
    }

    [Fact]
    public async Task Publish_OlderVersion_IsStaleAndKeepsNewerState()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 9)], Timeout());

        var older = await relay.PublishAsync([Presences.Update(organization, "u1", 8)], Timeout());

        Assert.Equal([PublishOutcome.Stale], older);
        var known = await relay.GetLastKnownAsync(organization, [Subject("u1")], Timeout());
        Assert.Equal(9, Presences.Sequence(known[0]!));
    }

    [Fact]
    public async Task Publish_VersionsDifferingOnlyInPunctuation_CompareOrdinally()
    {
        // Ordinal order puts '-' (0x2d) before '0' (0x30); a locale-aware comparison may ignore punctuation.
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var lower = Presences.Update(organization, "u1", 1) with { Version = PresenceVersion.FromSequence("a-1") };
        var higher = lower with { Version = PresenceVersion.FromSequence("a01") };

        var outcomes = await relay.PublishAsync([lower, higher, lower], Timeout());

        Assert.Equal([PublishOutcome.Accepted, PublishOutcome.Accepted, PublishOutcome.Stale], outcomes);
    }

    [Fact]
    public async Task Publish_RepeatsOfOneUserInOneBatch_CompareInOrder()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();

        var outcomes = await relay.PublishAsync(
            [Presences.Update(organization, "u1", 2), Presences.Update(organization, "u1", 1),
             Presences.Update(organization, "u1", 3), Presences.Update(organization, "u1", 3)], Timeout());

        Assert.Equal([PublishOutcome.Accepted, PublishOutcome.Stale, PublishOutcome.Accepted, PublishOutcome.Duplicate], outcomes);
    }

    [Fact]
    public async Task Publish_SameUserOnTwoSources_AreIndependent()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();

        var outcomes = await relay.PublishAsync(
            [Presences.Update(organization, "u1", 5), Presences.Update(organization, "u1", 1, Platform.Slack)], Timeout());

        Assert.Equal([PublishOutcome.Accepted, PublishOutcome.Accepted], outcomes);
        var known = await relay.GetLastKnownAsync(organization, [Subject("u1"), new PresenceSubject(Platform.Slack, "u1")], Timeout());
        Assert.Equal(5, Presences.Sequence(known[0]!));
        Assert.Equal(1, Presences.Sequence(known[1]!));
    }

    [Fact]
    public async Task Publish_BatchAcrossOrganizations_ReturnsOutcomesInOrder()
    {
        var relay = await StartAsync();
        var a = Presences.NewOrganization();
        var b = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(b, "u1", 5)], Timeout());

        var outcomes = await relay.PublishAsync(
            [Presences.Update(a, "u1", 1), Presences.Update(b, "u1", 4), Presences.Update(a, "u1", 1), Presences.Update(b, "u1", 6)], Timeout());

        Assert.Equal([PublishOutcome.Accepted, PublishOutcome.Stale, PublishOutcome.Duplicate, PublishOutcome.Accepted], outcomes);
    }

    [Fact]
    public async Task GetLastKnown_FullState_RoundTripsExactly()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var update = new PresenceUpdate(
            organization,
            "d3b0f8c2-user:with:colons",
            Platform.Teams,
            new PresenceState(
                Availability.Parse("SomeFutureAvailability"),
                Activity.InAMeeting,
                new StatusMessage("Back at \"3\" — ünïcödé ✓", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)),
                new OutOfOfficeSettings(true, "On leave")),
            PresenceVersion.FromObservedTime(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), 42),
            Platform.Xmpp,
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4567));

        await relay.PublishAsync([update], Timeout());
        var known = await relay.GetLastKnownAsync(organization, [PresenceSubject.Of(update)], Timeout());

        Assert.Equal(update, known[0]);
        Assert.Equal(update.State.StatusMessage, known[0]!.State.StatusMessage);
    }

    [Fact]
    public async Task GetLastKnown_UnknownUserOrOrganization_ReturnsNull()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());

        var known = await relay.GetLastKnownAsync(organization, [Subject("nobody"), Subject("u1")], Timeout());
        var elsewhere = await relay.GetLastKnownAsync(Presences.NewOrganization(), [Subject("u1")], Timeout());

        Assert.Null(known[0]);
        Assert.NotNull(known[1]);
        Assert.Null(elsewhere[0]);
    }

    [Fact]
    public async Task Feed_NewConnector_StartsWithSnapshotThenFollowsNewEvents()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 1), Presences.Update(organization, "u1", 2), Presences.Update(organization, "u2", 3)], Timeout());
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());

        var snapshot = await ReadUntilAsync(feed, got => got.Count >= 2);
        await relay.PublishAsync([Presences.Update(organization, "u2", 4)], Timeout());
        var next = await ReadUntilAsync(feed, got => got.Count >= 1);

        Assert.All(snapshot, e => Assert.True(e.IsSnapshot));
        Assert.Equal(new[] { ("u1", 2L), ("u2", 3L) }, snapshot.Select(e => (e.Presence!.UserId, Presences.Sequence(e.Presence))).Order());
        var single = Assert.Single(next);
        Assert.False(single.IsSnapshot);
        Assert.Equal(4, Presences.Sequence(single.Presence!));
    }

    [Fact]
    public async Task Feed_DeliversAcceptedEventsInOrder_AndNeverStaleOrDuplicate()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "slack", "c1");

        await relay.PublishAsync([Presences.Update(organization, "u1", 1), Presences.Update(organization, "u2", 1)], Timeout());
        await relay.PublishAsync([Presences.Update(organization, "u1", 1), Presences.Update(organization, "u1", 3), Presences.Update(organization, "u1", 2)], Timeout());
        await relay.PublishAsync([Presences.Update(organization, "u2", 9)], Timeout());
        var events = await ReadUntilAsync(feed, got => got.Any(e => Presences.Sequence(e.Presence!) == 9));

        Assert.Equal(
            new[] { ("u1", 1L), ("u2", 1L), ("u1", 3L), ("u2", 9L) },
            events.Select(e => (e.Presence!.UserId, Presences.Sequence(e.Presence))));
        Assert.All(events, e => Assert.Equal(RelayEventKind.Presence, e.Kind));
        Assert.All(events, e => Assert.Equal(organization, e.Organization));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Feed_CarriesTraceContextCapturedAtPublish()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "slack", "c1");
        using var activity = new System.Diagnostics.Activity("webhook").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C);
        activity.TraceStateString = "vendor=opaque";
        activity.Start();

        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());
        activity.Stop();
        await relay.PublishAsync([Presences.Update(organization, "u1", 2)], Timeout());
        var events = await ReadUntilAsync(feed, got => got.Count >= 2);

        Assert.Equal(activity.Id, events[0].TraceParent);
        Assert.Equal("vendor=opaque", events[0].TraceState);
        Assert.Null(events[1].TraceParent);
    }

    [Fact]
    public async Task Feed_ReopenedBySameConsumer_RedeliversOnlyUnacknowledged()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var connector = new ConnectorFeedId(organization, "xmpp");
        await using (var first = await OpenEmptyAsync(relay, organization, "xmpp", "c1"))
        {
            await relay.PublishAsync(Enumerable.Range(1, 6).Select(i => Presences.Update(organization, "u" + i, i)).ToList(), Timeout());
            var read = await ReadUntilAsync(first, got => got.Count >= 6, acknowledge: false);
            await first.AcknowledgeAsync([read[0].Id, read[2].Id, read[4].Id], Timeout());
        }

        var replica = await ReplicaAsync();
        await using var second = await replica.OpenFeedAsync(connector, "c1", Timeout());
        await relay.PublishAsync([Presences.Update(organization, "u7", 7)], Timeout());
        var again = await ReadUntilAsync(second, got => got.Any(e => e.Presence!.UserId == "u7"));

        Assert.Equal(["u2", "u4", "u6", "u7"], again.Select(e => e.Presence!.UserId));
    }

    [Fact]
    public async Task Feed_PendingOnVanishedConsumer_IsReclaimedByAnother()
    {
        var relay = await StartAsync(o => o.ReclaimIdle = TimeSpan.FromMilliseconds(200));
        var organization = Presences.NewOrganization();
        var connector = new ConnectorFeedId(organization, "xmpp");
        var abandoned = await OpenEmptyAsync(relay, organization, "xmpp", "crashed");
        await relay.PublishAsync(Enumerable.Range(1, 5).Select(i => Presences.Update(organization, "u" + i, i)).ToList(), Timeout());
        var lost = await ReadUntilAsync(abandoned, got => got.Count >= 5, acknowledge: false);

        var replica = await ReplicaAsync();
        await using var survivor = await replica.OpenFeedAsync(connector, "survivor", Timeout());
        var reclaimed = await ReadUntilAsync(survivor, got => got.Count >= 5);

        Assert.Equal(lost.Select(e => e.Id), reclaimed.Select(e => e.Id));
        await abandoned.DisposeAsync();
    }

    [Fact]
    public async Task Feed_TwoConnectors_EachReceiveEveryEvent_AndOtherOrganizationsNone()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var other = Presences.NewOrganization();
        await using var xmpp = await OpenEmptyAsync(relay, organization, "xmpp", "c1");
        await using var slack = await OpenEmptyAsync(relay, organization, "slack", "c1");
        await using var foreign = await OpenEmptyAsync(relay, other, "xmpp", "c1");

        await relay.PublishAsync(Enumerable.Range(1, 20).Select(i => Presences.Update(organization, "u" + (i % 4), i)).ToList(), Timeout());
        await relay.PublishAsync([Presences.Update(other, "marker", 1)], Timeout());
        var toXmpp = await ReadUntilAsync(xmpp, got => got.Count >= 20);
        var toSlack = await ReadUntilAsync(slack, got => got.Count >= 20);
        var toForeign = await ReadUntilAsync(foreign, got => got.Count >= 1);

        Assert.Equal(Enumerable.Range(1, 20), toXmpp.Select(e => (int)Presences.Sequence(e.Presence!)));
        Assert.Equal(Enumerable.Range(1, 20), toSlack.Select(e => (int)Presences.Sequence(e.Presence!)));
        Assert.Equal("marker", Assert.Single(toForeign).Presence!.UserId);
    }

    [Fact]
    public async Task PublishProfiles_FanOutToEveryConnectorInOrder_WithEveryFieldTheStoreKeeps()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var xmpp = await OpenEmptyAsync(relay, organization, "xmpp", "c1");
        await using var slack = await OpenEmptyAsync(relay, organization, "slack", "c1");
        var ada = new UserProfileRecord("u1", "Ada Lovelace", "ada@contoso.com", "ada@contoso.onmicrosoft.com", "Analyst", true);
        var grace = new UserProfileRecord("u2", null, null, "grace@contoso.com", null, false);

        await relay.PublishProfilesAsync(organization, [ada, grace], Timeout());
        var toXmpp = await ReadUntilAsync(xmpp, got => got.Count >= 2);
        var toSlack = await ReadUntilAsync(slack, got => got.Count >= 2);

        // A relay in Redis keeps no profile text: its events name the user, and the connector API fills them from the directory.
        UserProfileRecord Stored(UserProfileRecord p) => ProfileEventsCarryTheProfile ? p : p with { DisplayName = null, Mail = null, UserPrincipalName = null, JobTitle = null };
        foreach (var events in new[] { toXmpp, toSlack })
        {
            Assert.Equal([Stored(ada), Stored(grace)], events.Select(e => e.Profile));
            Assert.All(events, e => Assert.Equal(RelayEventKind.Profile, e.Kind));
            Assert.All(events, e => Assert.Null(e.Presence));
            Assert.All(events, e => Assert.Equal(organization, e.Organization));
        }
    }

    [Fact]
    public async Task PublishProfiles_KeepOrderWithPresenceEvents_AndNeverEnterSnapshots()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "xmpp", "c1");
        var profile = new UserProfileRecord("u1", "Ada", "ada@contoso.com", "ada@contoso.com", null, true);

        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());
        await relay.PublishProfilesAsync(organization, [profile], Timeout());
        await relay.PublishAsync([Presences.Update(organization, "u1", 2)], Timeout());
        var events = await ReadUntilAsync(feed, got => got.Count >= 3);
        await using var late = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "late"), "c1", Timeout());
        var snapshot = await ReadUntilAsync(late, got => got.Count >= 1);

        Assert.Equal([RelayEventKind.Presence, RelayEventKind.Profile, RelayEventKind.Presence], events.Select(e => e.Kind));
        Assert.Equal(2, Presences.Sequence(Assert.Single(snapshot).Presence!));
    }

    [Fact]
    public async Task PublishProfiles_EmptyBatch_DoesNothing()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "xmpp", "c1");

        await relay.PublishProfilesAsync(organization, [], Timeout());
        await relay.PublishAsync([Presences.Update(organization, "marker", 1)], Timeout());
        var events = await ReadUntilAsync(feed, got => got.Count >= 1);

        Assert.Equal("marker", Assert.Single(events).Presence!.UserId);
    }

    [Fact]
    public async Task Withdraw_ForgetsLastKnownOfEverySource_AndFansOutOneEventPerUser()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync(
            [Presences.Update(organization, "u1", 1), Presences.Update(organization, "u1", 2, Platform.Slack),
             Presences.Update(organization, "u2", 3), Presences.Update(organization, "u10", 4)], Timeout());
        await using var xmpp = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        await ReadUntilAsync(xmpp, got => got.Count >= 4);
        await using var slack = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "slack"), "c1", Timeout());
        await ReadUntilAsync(slack, got => got.Count >= 4);

        await relay.WithdrawAsync(
            organization, [new UserWithdrawal("u1", WithdrawalReason.OptedOut), new UserWithdrawal("nobody", WithdrawalReason.UserRemoved)], Timeout());
        var toXmpp = await ReadUntilAsync(xmpp, got => got.Count >= 2);
        var toSlack = await ReadUntilAsync(slack, got => got.Count >= 2);
        var known = await relay.GetLastKnownAsync(
            organization, [Subject("u1"), new PresenceSubject(Platform.Slack, "u1"), Subject("u2"), Subject("u10")], Timeout());

        Assert.Null(known[0]);
        Assert.Null(known[1]);
        Assert.NotNull(known[2]);
        Assert.NotNull(known[3]);
        var expected = new[] { new UserWithdrawal("u1", WithdrawalReason.OptedOut), new UserWithdrawal("nobody", WithdrawalReason.UserRemoved) };
        Assert.Equal(expected, toXmpp.Select(e => e.Withdrawal));
        Assert.Equal(expected, toSlack.Select(e => e.Withdrawal));
        Assert.All(toXmpp, e => Assert.Equal(RelayEventKind.Withdrawn, e.Kind));
        Assert.All(toXmpp, e => Assert.Null(e.Presence));
    }

    [Fact]
    public async Task Forget_DeletesEventsAboutTheUserOnceEveryConnectorAcknowledged_AndConnectorsCarryOn()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var xmpp = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        await using var slack = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "slack"), "c1", Timeout());
        await relay.PublishAsync(
            [Presences.Update(organization, "u1", 1), Presences.Update(organization, "u10", 2), Presences.Update(organization, "u1", 3, Platform.Slack)],
            Timeout());
        await relay.WithdrawAsync(organization, [new UserWithdrawal("u1", WithdrawalReason.OptedOut)], Timeout());
        await ReadUntilAsync(xmpp, got => got.Count >= 4);
        var unacknowledged = await ReadUntilAsync(slack, got => got.Count >= 4, acknowledge: false);

        var first = await relay.ForgetAsync(organization, "u1", through: null, Timeout());
        await slack.AcknowledgeAsync(unacknowledged.Select(e => e.Id).ToList(), Timeout());
        var second = await relay.ForgetAsync(organization, "u1", first.Through, Timeout());
        await relay.PublishAsync([Presences.Update(organization, "u10", 5)], Timeout());
        var next = await ReadUntilAsync(xmpp, got => got.Count >= 1);

        // Slack had not acknowledged: nothing went. Once it had, all three events about u1 went, and u10's stayed.
        Assert.Equal((0, 3), Counts(first));
        Assert.Equal((3, 0), Counts(second));
        Assert.Equal((0, 0), Counts(await relay.ForgetAsync(organization, "u1", through: null, Timeout())));
        var known = await relay.GetLastKnownAsync(organization, [Subject("u1"), new PresenceSubject(Platform.Slack, "u1"), Subject("u10")], Timeout());
        Assert.Equal([false, false, true], known.Select(k => k is not null));
        // The connectors' positions survive the deletion: the next event arrives as an event, not as a snapshot.
        var update = Assert.Single(next);
        Assert.False(update.IsSnapshot);
        Assert.Equal(5, Presences.Sequence(update.Presence!));
    }

    [Fact]
    public async Task Forget_Through_FinishesOnlyTheEarlierErasure_AndKeepsWhatWasPublishedSince()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());
        await relay.WithdrawAsync(organization, [new UserWithdrawal("u1", WithdrawalReason.OptedOut)], Timeout());
        var before = await ReadUntilAsync(feed, got => got.Count >= 2, acknowledge: false);
        var erasure = await relay.ForgetAsync(organization, "u1", through: null, Timeout());

        // The user joins again while the connector still holds the old events.
        await relay.PublishAsync([Presences.Update(organization, "u1", 2)], Timeout());
        await feed.AcknowledgeAsync(before.Select(e => e.Id).ToList(), Timeout());
        var later = await relay.ForgetAsync(organization, "u1", erasure.Through, Timeout());
        var again = await relay.ForgetAsync(organization, "u1", erasure.Through, Timeout());

        Assert.Equal((0, 2), Counts(erasure));
        Assert.Equal((2, 0), Counts(later));
        Assert.Equal((0, 0), Counts(again));
        var known = Assert.Single(await relay.GetLastKnownAsync(organization, [Subject("u1")], Timeout()));
        Assert.Equal(Presences.Update(organization, "u1", 2).Version, known!.Version);
        var newer = await ReadUntilAsync(feed, got => got.Count >= 1);
        Assert.Equal(Presences.Update(organization, "u1", 2).Version, Assert.Single(newer).Presence!.Version);
    }

    [Fact]
    public async Task Withdraw_UserIsAbsentFromANewConnectorsSnapshot()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync(
            [Presences.Update(organization, "u1", 1), Presences.Update(organization, "u1", 2, Platform.Slack), Presences.Update(organization, "u2", 3)],
            Timeout());

        await relay.WithdrawAsync(organization, [new UserWithdrawal("u1", WithdrawalReason.EntitlementRevoked)], Timeout());
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        await relay.PublishAsync([Presences.Update(organization, "marker", 4)], Timeout());
        // New events follow only once the snapshot is delivered, so the live marker ends it.
        var events = await ReadUntilAsync(feed, got => got.Any(e => e.Presence?.UserId == "marker" && !e.IsSnapshot));

        Assert.Contains(events, e => e.IsSnapshot && e.Presence!.UserId == "u2");
        Assert.DoesNotContain(events, e => e.Presence!.UserId == "u1");
    }

    [Fact]
    public async Task Withdraw_ThenNewPresence_MakesTheUserKnownAgain()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 5)], Timeout());

        await relay.WithdrawAsync(organization, [new UserWithdrawal("u1", WithdrawalReason.OptedOut)], Timeout());
        var outcome = await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());

        Assert.Equal([PublishOutcome.Accepted], outcome);
        Assert.Equal(1, Presences.Sequence((await relay.GetLastKnownAsync(organization, [Subject("u1")], Timeout()))[0]!));
    }

    [Fact]
    public async Task UserEvents_OfOneOrganization_NeverReachAnother()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        var other = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 1), Presences.Update(other, "u1", 1)], Timeout());
        await using var own = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", Timeout());
        await using var foreign = await relay.OpenFeedAsync(new ConnectorFeedId(other, "xmpp"), "c1", Timeout());
        await ReadUntilAsync(own, got => got.Count >= 1);
        await ReadUntilAsync(foreign, got => got.Count >= 1);

        await relay.PublishProfilesAsync(organization, [new UserProfileRecord("u1", "Ada", null, "ada@contoso.com", null, true)], Timeout());
        await relay.WithdrawAsync(organization, [new UserWithdrawal("u1", WithdrawalReason.UserRemoved)], Timeout());
        await relay.PublishAsync([Presences.Update(other, "marker", 2)], Timeout());
        var toOwn = await ReadUntilAsync(own, got => got.Count >= 2);
        var toForeign = await ReadUntilAsync(foreign, got => got.Count >= 1);

        Assert.Equal([RelayEventKind.Profile, RelayEventKind.Withdrawn], toOwn.Select(e => e.Kind));
        Assert.Equal("marker", Assert.Single(toForeign).Presence!.UserId);
        Assert.NotNull((await relay.GetLastKnownAsync(other, [Subject("u1")], Timeout()))[0]);
        Assert.Null((await relay.GetLastKnownAsync(organization, [Subject("u1")], Timeout()))[0]);
    }

    [Fact]
    public async Task Feed_TwoReplicasReadingOneConnector_DeliverEachEventOnce()
    {
        var relay = await StartAsync();
        var replica = await ReplicaAsync();
        var organization = Presences.NewOrganization();
        var connector = new ConnectorFeedId(organization, "xmpp");
        await using var a = await OpenEmptyAsync(relay, organization, "xmpp", "a");
        await using var b = await replica.OpenFeedAsync(connector, "b", Timeout());
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource(Deadline);

        var readers = new[] { a, b }.Select(feed => Task.Run(async () =>
        {
            while (seen.Count < 300 && !stop.IsCancellationRequested)
            {
                try
                {
                    var events = await feed.ReadAsync(20, stop.Token);
                    foreach (var e in events)
                    {
                        seen.Add($"{e.Presence!.UserId}/{Presences.Sequence(e.Presence)}");
                    }

                    await feed.AcknowledgeAsync(events.Select(e => e.Id).ToList(), CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        })).ToArray();
        for (var round = 1; round <= 30; round++)
        {
            await relay.PublishAsync(Enumerable.Range(1, 10).Select(u => Presences.Update(organization, "u" + u, round)).ToList(), Timeout());
        }

        await Poll.UntilAsync(() => seen.Count >= 300, "both replicas to deliver 300 events");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(300, seen.Count);
        Assert.Equal(300, seen.Distinct().Count());
    }

    [Fact]
    public async Task Feed_WaitingReader_WakesOnPublishWithoutFallbackPoll()
    {
        var relay = await StartAsync(o =>
        {
            o.FallbackPoll = TimeSpan.FromMinutes(10);
            o.ReclaimIdle = TimeSpan.FromHours(1);
        });
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "xmpp", "c1");

        var reading = feed.ReadAsync(10, Timeout()).AsTask();
        // Gives the reader time to block; the assertion holds either way, but only a woken reader passes after it.
        await Task.Delay(100);
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], Timeout());

        var events = await reading;
        Assert.Equal("u1", Assert.Single(events).Presence!.UserId);
    }

    [Fact]
    public async Task Feed_WithinLagBound_ReceivesEveryEventIndividually()
    {
        var relay = await StartAsync(o => o.LagBound = 500);
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "xmpp", "c1");
        for (var round = 1; round <= 20; round++)
        {
            await relay.PublishAsync(Enumerable.Range(1, 10).Select(u => Presences.Update(organization, "u" + u, round)).ToList(), Timeout());
        }

        var events = await ReadUntilAsync(feed, got => got.Count >= 200, batch: 50);

        Assert.Equal(200, events.Count);
        Assert.DoesNotContain(events, e => e.IsSnapshot);
    }

    [Fact]
    public async Task Feed_BehindLagBound_CoalescesToLatestStatePerUser()
    {
        var relay = await StartAsync(o => o.LagBound = 20);
        var organization = Presences.NewOrganization();
        await using var feed = await OpenEmptyAsync(relay, organization, "xmpp", "c1");
        for (var round = 1; round <= 30; round++)
        {
            await relay.PublishAsync(Enumerable.Range(1, 10).Select(u => Presences.Update(organization, "u" + u, round)).ToList(), Timeout());
        }

        var events = await ReadUntilAsync(feed, got => Latest(got).Count == 10 && Latest(got).Values.All(s => s == 30), batch: 50);

        Assert.True(events.Count < 300, $"A connector behind the lag bound got {events.Count} events: every flap was replayed.");
        Assert.Contains(events, e => e.IsSnapshot);
    }

    [Fact]
    public async Task Feed_UnacknowledgedEventsTrimmedByRetention_CoalesceToLatestState()
    {
        var relay = await StartAsync(o =>
        {
            o.RetentionMaxLength = 100;
            o.LagBound = 99;
        });
        var organization = Presences.NewOrganization();
        var connector = new ConnectorFeedId(organization, "xmpp");
        await using (var feed = await OpenEmptyAsync(relay, organization, "xmpp", "c1"))
        {
            // Keeps up with reading but never acknowledges, while retention drops what it holds.
            for (var round = 1; round <= 50; round++)
            {
                await relay.PublishAsync(Enumerable.Range(1, 10).Select(u => Presences.Update(organization, "u" + u, round)).ToList(), Timeout());
                await ReadUntilAsync(feed, got => got.Count >= 10, acknowledge: false);
            }
        }

        await using var reopened = await relay.OpenFeedAsync(connector, "c1", Timeout());
        var events = await ReadUntilAsync(reopened, got => Latest(got).Count == 10 && Latest(got).Values.All(s => s == 50), batch: 100);

        Assert.Contains(events, e => e.IsSnapshot);
        Assert.True(events.Count < 500, $"Reopening replayed {events.Count} events.");
    }

    [Fact]
    public async Task Feed_SnapshotInterrupted_ResumesAfterLastAcknowledgedPage()
    {
        var relay = await StartAsync();
        var organization = Presences.NewOrganization();
        await relay.PublishAsync(Enumerable.Range(1, 300).Select(u => Presences.Update(organization, "u" + u, 1)).ToList(), Timeout());
        var connector = new ConnectorFeedId(organization, "xmpp");
        var acknowledged = new List<RelayEvent>();
        await using (var first = await relay.OpenFeedAsync(connector, "c1", Timeout()))
        {
            acknowledged.AddRange(await ReadUntilAsync(first, got => got.Count >= 150, batch: 50));
            await first.ReadAsync(50, Timeout());
        }

        var replica = await ReplicaAsync();
        await using var second = await replica.OpenFeedAsync(connector, "c2", Timeout());
        var rest = await ReadUntilAsync(second, got => got.Concat(acknowledged).Select(e => e.Presence!.UserId).Distinct().Count() == 300, batch: 50);

        Assert.All(acknowledged.Concat(rest), e => Assert.True(e.IsSnapshot));
        Assert.True(rest.Count < 250, $"The snapshot restarted instead of resuming: {rest.Count} events after reopening.");
    }

    /// <summary>Whether profile events carry the profile's texts (in process) or only name the user (in Redis).</summary>
    protected virtual bool ProfileEventsCarryTheProfile => true;

    private protected async Task<IPresenceRelay> StartAsync(Action<RelayOptions>? configure = null, Action<StateOptions>? configureState = null)
    {
        (_options, _state) = (new RelayOptions(), CreateState());
        configure?.Invoke(_options);
        configureState?.Invoke(_state);
        var handle = await RelayHandle.StartAsync(_state, _options);
        _handles.Add(handle);
        return handle.Relay;
    }

    /// <summary>Another gateway replica sharing the relay's store.</summary>
    private protected async Task<IPresenceRelay> ReplicaAsync()
    {
        if (!HasSeparateReplicas)
        {
            return _handles[0].Relay;
        }

        var handle = await RelayHandle.StartAsync(_state!, _options);
        _handles.Add(handle);
        return handle.Relay;
    }

    protected static CancellationToken Timeout() => new CancellationTokenSource(Deadline).Token;

    private protected static (int Deleted, int Remaining) Counts(RelayErasure erasure) => (erasure.Deleted, erasure.Remaining);

    private protected static PresenceSubject Subject(string user) => new(Platform.Teams, user);

    /// <summary>Opens a connector's feed and consumes its initial snapshot, for an organization with no presence yet.</summary>
    private protected static async Task<IRelayFeed> OpenEmptyAsync(IPresenceRelay relay, OrganizationId organization, string connector, string consumer)
    {
        var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, connector), consumer, Timeout());
        return feed;
    }

    /// <summary>Reads (and by default acknowledges) until <paramref name="done"/> holds for everything read.</summary>
    private protected static async Task<List<RelayEvent>> ReadUntilAsync(
        IRelayFeed feed, Func<List<RelayEvent>, bool> done, bool acknowledge = true, int batch = 100)
    {
        var events = new List<RelayEvent>();
        using var deadline = new CancellationTokenSource(Deadline);
        while (!done(events))
        {
            IReadOnlyList<RelayEvent> read;
            try
            {
                read = await feed.ReadAsync(batch, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Read {events.Count} events in {Deadline.TotalSeconds:0} s without meeting the condition.");
            }

            events.AddRange(read);
            if (acknowledge)
            {
                await feed.AcknowledgeAsync(read.Select(e => e.Id).ToList(), Timeout());
            }
        }

        return events;
    }

    /// <summary>The highest sequence seen per user.</summary>
    private protected static Dictionary<string, long> Latest(IEnumerable<RelayEvent> events) =>
        events.Where(e => e.Presence is not null)
            .GroupBy(e => e.Presence!.UserId)
            .ToDictionary(g => g.Key, g => g.Max(e => Presences.Sequence(e.Presence!)));
}
