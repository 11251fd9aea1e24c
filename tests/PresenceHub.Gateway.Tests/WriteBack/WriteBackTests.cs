using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>Write-back end to end with the in-memory store: the simulator's aggregated presence is the judge.</summary>
public sealed class WriteBackTests
{
    private static readonly WriteBackOptions Defaults = new();

    [Fact]
    public async Task Submit_MapsEachStateToAnAllowedSessionPair_AndTeamsAggregatesIt()
    {
        // Submitted state -> what Graph then reports for a user who is offline in Teams themselves.
        (PresenceState State, string Availability, string Activity)[] cases =
        [
            (PresenceState.ForCategory(PresenceCategory.DoNotDisturb), "DoNotDisturb", "Presenting"),
            (PresenceState.ForCategory(PresenceCategory.Busy), "Busy", "InACall"),
            (PresenceState.ForCategory(PresenceCategory.InACall), "Busy", "InACall"),
            (PresenceState.ForCategory(PresenceCategory.Away), "Away", "Away"),
            (PresenceState.ForCategory(PresenceCategory.Available), "Available", "Available"),
            // Not representable as a session: a meeting becomes a conference call, idle and out of office become Away.
            (PresenceState.ForCategory(PresenceCategory.InAMeeting), "Busy", "InAConferenceCall"),
            (PresenceState.ForCategory(PresenceCategory.Idle), "Away", "Away"),
            (PresenceState.ForCategory(PresenceCategory.OutOfOffice), "Away", "Away"),
        ];
        await using var world = await WriteBackWorld.StartAsync(users: cases.Length);
        using var calls = world.Calls();

        await world.SubmitAsync([.. cases.Select((c, i) => world.Update(world.UserIds[i], c.State, 1))]);

        for (var i = 0; i < cases.Length; i++)
        {
            await world.UntilTeamsShowsAsync(world.UserIds[i], cases[i].Availability, cases[i].Activity);
        }

        await Eventually.UntilAsync(() => calls.Count("set", "success") == cases.Length, because: "every call's result");
        Assert.Equal(cases.Length, calls.Total);
    }

    [Fact]
    public async Task Session_IsRefreshedBeforeExpiry_AcrossSeveralLifetimes_AndWouldExpireWithoutRefresh()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 1);
        var user = world.UserIds[0];
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 1));
        await world.UntilTeamsShowsAsync(user, "DoNotDisturb", "Presenting");
        // The entry is written before Graph answers and gets its expiry after: wait for the expiry, not just the entry.
        var firstExpiry = (await Eventually.UntilAsync(async () => await world.SessionAsync(user) is { ExpiresAt: not null } entry ? entry : null,
            because: "the session's expiry")).ExpiresAt!.Value;
        Assert.Equal(world.Control.Now + Defaults.SessionLifetime, firstExpiry);

        // Each step passes the refresh point; three steps pass the first session's expiry by far.
        var step = Defaults.SessionLifetime - Defaults.RefreshBefore + TimeSpan.FromMinutes(1);
        var expiry = firstExpiry;
        for (var round = 0; round < 3; round++)
        {
            world.Control.AdvanceClock(step);
            var previous = expiry;
            var refreshed = await Eventually.UntilAsync(async () =>
                await world.SessionAsync(user) is { ExpiresAt: { } e } entry && e > previous ? entry : null, because: $"refresh {round + 1}");
            expiry = refreshed.ExpiresAt!.Value;
            Assert.Equal(world.Control.Now + Defaults.SessionLifetime, expiry);
            var shown = world.Control.GetPresence(user);
            Assert.Equal(("DoNotDisturb", "Presenting"), (shown.Availability, shown.Activity));
        }

        Assert.True(world.Control.Now > firstExpiry + TimeSpan.FromHours(1), "the clock did not pass the first session's expiry");

        // Without the worker, the last session runs out: Teams falls back to the user's own (offline) presence.
        await world.Worker().StopAsync(CancellationToken.None);
        world.Control.AdvanceClock(Defaults.SessionLifetime + TimeSpan.FromMinutes(1));
        await world.UntilTeamsShowsAsync(user, "Offline", "Offline");
    }

    [Fact]
    public async Task Offline_ClearsTheSession_AndTeamsFallsBackToTheUsersOwnPresence()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 2);
        using var calls = world.Calls();
        var (user, unknown) = (world.UserIds[0], world.UserIds[1]);
        world.Control.SetUserPresence(user, "Available", "Available");
        world.Control.SetUserPresence(unknown, "Away", "Away");
        await world.SubmitAsync(
            world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 1),
            world.Update(unknown, PresenceState.ForCategory(PresenceCategory.InACall), 1));
        await world.UntilTeamsShowsAsync(user, "DoNotDisturb", "Presenting");
        await world.UntilTeamsShowsAsync(unknown, "Busy", "InACall");

        await world.SubmitAsync(
            world.Update(user, PresenceState.ForCategory(PresenceCategory.Offline), 2),
            world.Update(unknown, PresenceState.Unknown, 2));

        await world.UntilTeamsShowsAsync(user, "Available", "Available");
        await world.UntilTeamsShowsAsync(unknown, "Away", "Away");
        await Eventually.UntilAsync(() => calls.Count("clear", "success") == 2, because: "two clears");
        var session = await world.SessionAsync(user);
        Assert.NotNull(session);
        Assert.Null(session.AppliedPair);
        Assert.False(session.IsPending(world.Control.Now));
    }

    [Fact]
    public async Task StaleAndDuplicateUpdates_NeverOverwriteNewer_AndCauseNoGraphCall()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 1);
        using var calls = world.Calls();
        var user = world.UserIds[0];
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Away), 5));
        await world.UntilTeamsShowsAsync(user, "Away", "Away");
        await Eventually.UntilAsync(() => calls.Count("set", "success") == 1);
        var written = await world.SessionAsync(user);

        // Older (in one batch with the duplicate, and alone), then the same version again.
        await world.SubmitAsync(
            world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 4),
            world.Update(user, PresenceState.ForCategory(PresenceCategory.Away), 5));
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.InACall), 1));
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Available), 5));

        // Nothing was stored, so nothing is due: a pass run now makes no call.
        Assert.Equal(written, await world.SessionAsync(user));
        await world.Worker().RunPassAsync(CancellationToken.None);
        Assert.Equal(1, calls.Total);
        var shown = world.Control.GetPresence(user);
        Assert.Equal(("Away", "Away"), (shown.Availability, shown.Activity));

        // A newer version of the same pair is stored but changes nothing in Teams.
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Idle), 6));
        Assert.Equal("s000000000006", (await world.SessionAsync(user))!.Sources.Single().Version);
        await world.Worker().RunPassAsync(CancellationToken.None);
        Assert.Equal(1, calls.Total);

        // A newer different state is written.
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 7));
        await world.UntilTeamsShowsAsync(user, "DoNotDisturb", "Presenting");
        await Eventually.UntilAsync(() => calls.Count("set", "success") == 2, because: "the second call's result");
        Assert.Equal(2, calls.Total);
    }

    [Fact]
    public async Task TwoPlatforms_MostRecentOnlineWins_AndOfflineHandsBackToTheOther()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 1);
        var user = world.UserIds[0];
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Away), 1, Platform.Xmpp));
        await world.UntilTeamsShowsAsync(user, "Away", "Away");
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.InACall), 1, Platform.Slack));
        await world.UntilTeamsShowsAsync(user, "Busy", "InACall");
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Offline), 2, Platform.Slack));
        await world.UntilTeamsShowsAsync(user, "Away", "Away");
        Assert.Equal("xmpp", (await Eventually.UntilAsync(async () =>
            await world.SessionAsync(user) is { AppliedPair: "Away/Away" } s ? s : null)).AppliedPlatform);

        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Offline), 2, Platform.Xmpp));
        await world.UntilTeamsShowsAsync(user, "Offline", "Offline");
    }

    [Fact]
    public async Task OurSessionsNotification_ReachesTheRelayTaggedWithItsPlatform_WhileTheUsersOwnChangeStaysTeams()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 2);
        var user = world.UserIds[1];
        await world.SubscribePresenceAsync(world.UserIds[0], world.UserIds);

        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Away), 1));
        var echo = await Eventually.UntilAsync(async () =>
            await world.LastKnownAsync(user) is { State.Availability.Value: "Away" } u ? u : null, because: "the echo of our session");
        Assert.Equal(Platform.Xmpp, echo.Origin);
        Assert.True(echo.IsEchoFor(Platform.Xmpp));

        // The user becomes Available in Teams, which outranks our Away session: that is Teams' own presence.
        world.Control.SetUserPresence(user, "Available", "Available");
        var own = await Eventually.UntilAsync(async () =>
            await world.LastKnownAsync(user) is { State.Availability.Value: "Available" } u ? u : null, because: "the user's own change");
        Assert.Equal(Platform.Teams, own.Origin);
        Assert.False(own.IsEchoFor(Platform.Xmpp));

        // Do not disturb from XMPP outranks it again: an echo once more.
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 2));
        var dnd = await Eventually.UntilAsync(async () =>
            await world.LastKnownAsync(user) is { State.Availability.Value: "DoNotDisturb" } u ? u : null, because: "the echo of do not disturb");
        Assert.Equal(Platform.Xmpp, dnd.Origin);
    }

    [Fact]
    public async Task Reconciliation_TagsPresenceOurSessionProduced()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 2);
        var (tagged, own) = (world.UserIds[0], world.UserIds[1]);
        world.Control.SetUserPresence(own, "Busy", "InAMeeting");
        await world.SubmitAsync(world.Update(tagged, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 1));
        await world.UntilTeamsShowsAsync(tagged, "DoNotDisturb", "Presenting");

        var reconciler = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<PresenceHub.Gateway.GraphIngest.PresenceReconciler>(world.Gateway.Services);
        Assert.Equal(2, await reconciler.ReconcileAsync(world.Organization, world.UserIds, CancellationToken.None));

        Assert.Equal(Platform.Xmpp, (await world.LastKnownAsync(tagged))!.Origin);
        Assert.Equal(Platform.Teams, (await world.LastKnownAsync(own))!.Origin);
    }

    [Fact]
    public async Task GraphThrottling_DelaysButNeverLosesAWrite()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 4);
        using var calls = world.Calls();
        world.Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = 2, RetryAfterSeconds = 1 });
        await world.SubmitAsync([.. world.UserIds.Select(u => world.Update(u, PresenceState.ForCategory(PresenceCategory.InACall), 1))]);
        foreach (var user in world.UserIds)
        {
            await world.UntilTeamsShowsAsync(user, "Busy", "InACall");
        }

        Assert.True(world.Control.Statistics.ThrottledCalls > 0, "Graph throttled no call");

        // Every call throttled: the resilience handler gives up, the worker records a failure and retries later.
        world.Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = 1 });
        var user0 = world.UserIds[0];
        await world.SubmitAsync(world.Update(user0, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 2));
        await Eventually.UntilAsync(() => calls.Count("set", "failed") >= 1, TimeSpan.FromSeconds(60), "a write that failed after Graph's retries");
        var failed = (await world.SessionAsync(user0))!;
        Assert.True(failed.IsPending(world.Control.Now));
        Assert.NotNull(failed.RetryAt);

        world.Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = 0 });
        world.Control.AdvanceClock(Defaults.MaxRetryDelay);
        await world.UntilTeamsShowsAsync(user0, "DoNotDisturb", "Presenting");
        Assert.Equal(0, calls.Count("set", "not-found"));
    }

    [Fact]
    public async Task UnknownUser_IsDroppedWithoutRetries()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 1);
        using var calls = world.Calls();
        var ghost = Guid.NewGuid().ToString("D");
        await world.SubmitAsync(world.Update(ghost, PresenceState.ForCategory(PresenceCategory.Away), 1));
        await Eventually.UntilAsync(() => calls.Count("set", "not-found") == 1, because: "Graph's 404");
        await Eventually.UntilAsync(async () => await world.SessionAsync(ghost) is null, because: "the session to be dropped");
        Assert.Equal(0, await world.Worker().RunPassAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TeamsUpdatesAndTeamsOriginatedPresence_AreNeverWrittenBack()
    {
        await using var world = await WriteBackWorld.StartAsync(users: 1);
        var user = world.UserIds[0];
        var fromTeams = world.Update(user, PresenceState.ForCategory(PresenceCategory.Away), 1, Platform.Teams);
        var relayedFromTeams = world.Update(user, PresenceState.ForCategory(PresenceCategory.Away), 1) with { Origin = Platform.Teams };
        await world.SubmitAsync(fromTeams, relayedFromTeams);
        Assert.Null(await world.SessionAsync(user));
    }
}
