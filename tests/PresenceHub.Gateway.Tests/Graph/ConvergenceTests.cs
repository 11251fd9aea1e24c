using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>Ingest converges on Graph's truth: every consenting user is read, and no admitted state outlives a poll.</summary>
public sealed class ConvergenceTests
{
    [Fact]
    public async Task AssignedUserWithoutAnOwner_IsPolledOnTheUnpushedInterval_AndTheChangeReachesAConnector()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2, gatewaySettings: new Dictionary<string, string?>
        {
            ["Graph:ReconcileInterval"] = "00:30:00",
            ["Graph:UnpushedReconcileInterval"] = "00:01:00",
        });
        var user = world.UserIds[1];
        await using var connector = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        world.Control.SetUserPresence(user, "Available", "Available");
        await world.AssignAsync(user);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        Assert.Equal(PresenceCategory.Available, (await world.LastKnownAsync(user))?.State.Category);
        Assert.Empty(PresenceSubscriptions(world));

        world.Control.SetUserPresence(user, "Busy", "InAMeeting");
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var notYet = (await world.LastKnownAsync(user))?.State.Category;
        world.Control.AdvanceClock(TimeSpan.FromMinutes(1));
        await world.Keeper.RunPassAsync(CancellationToken.None);

        Assert.Equal(PresenceCategory.Available, notYet);
        var events = await ReadUntilAsync(connector, got => got.Any(e => e.Presence?.State.Category == PresenceCategory.InAMeeting));
        Assert.All(events.Where(e => e.Presence is not null), e => Assert.Equal(user, e.Presence!.UserId));
        using var overview = await OverviewAsync(world);
        var push = overview.RootElement.GetProperty("push");
        Assert.Equal((1, 1), (push.GetProperty("consenting").GetInt32(), push.GetProperty("withoutPush").GetInt32()));
        Assert.Contains("no signed-in owner", push.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateAdmittedWithGraphsNextSequenceAndOtherContent_IsReplacedAtTheNextReconciliation()
    {
        await using var world = await StartSubscribedAsync();
        var (user, forger) = await ForgerAsync(world);

        var forged = await forger.PostAsync(forger.Batch("Offline", "Offline", sequenceNumber: Next(world, user)));
        Assert.Equal(PresenceCategory.Offline, (await world.LastKnownAsync(user))?.State.Category);
        var corrections = await world.Gateway.Services.GetRequiredService<PresenceReconciler>().ReconcileAsync(world.Organization, [user], CancellationToken.None);

        Assert.Equal(202, (int)forged.StatusCode);
        Assert.Equal(1, corrections);
        Assert.Equal(PresenceCategory.InACall, (await world.LastKnownAsync(user))?.State.Category);
    }

    [Fact]
    public async Task GenuineChangeWithTheSequenceAForgeryTook_IsNotLost_WhetherItArrivesBeforeOrAfterTheCorrection()
    {
        await using var world = await StartSubscribedAsync();
        var (user, forger) = await ForgerAsync(world);

        // Before: the forgery holds the sequence number when Graph's own change with it arrives.
        await forger.PostAsync(forger.Batch("Offline", "Offline", sequenceNumber: Next(world, user)));
        world.Control.SetUserPresence(user, "Away", "Away");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Category == PresenceCategory.Away,
            because: "the conflicting genuine notification was taken for a duplicate");

        // After: the forgery was already corrected when Graph's own change with its sequence number arrives.
        await forger.PostAsync(forger.Batch("Offline", "Offline", sequenceNumber: Next(world, user)));
        await world.Gateway.Services.GetRequiredService<PresenceReconciler>().ReconcileAsync(world.Organization, [user], CancellationToken.None);
        Assert.Equal(PresenceCategory.Away, (await world.LastKnownAsync(user))?.State.Category);
        world.Control.SetUserPresence(user, "Busy", "InAMeeting");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Category == PresenceCategory.InAMeeting,
            because: "Graph's change with the corrected sequence number was taken for stale");

        // And the next change after all that flows as usual.
        world.Control.SetUserPresence(user, "DoNotDisturb", "Presenting");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Category == PresenceCategory.Presenting);
    }

    [Fact]
    public async Task UninstallReinstallAndSignIn_WhileAConnectorIsOffline_CorrectsOnce_AndKeepsTheStatusMessage()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2);
        var (owner, user) = (world.UserIds[0], world.UserIds[1]);
        var purge = world.Gateway.Services.GetRequiredService<PresenceHub.Gateway.DataSubjects.UserPurge>();
        var consents = world.Gateway.Services.GetRequiredService<PresenceHub.Gateway.Privacy.IConsentStore>();
        var interval = world.Gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PresenceHub.Gateway.GraphApi.GraphOptions>>().Value.ReconcileInterval;
        await world.SignInAsync(owner);
        await world.SignInAsync(user);
        // The connector connects once and goes offline: every event from now on waits for it.
        await (await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None)).DisposeAsync();
        await world.Keeper.RunPassAsync(CancellationToken.None);
        world.Control.SetStatusMessage(user, "Back at three");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.StatusMessage?.Content == "Back at three");

        world.Control.UninstallApp(user, world.TeamsAppId);
        await Eventually.UntilAsync(async () =>
        {
            await world.Keeper.RunPassAsync(CancellationToken.None);
            return !(await consents.AreConsentingAsync(world.Organization, [user], CancellationToken.None))[0];
        }, because: "the uninstall did not remove the user");
        Assert.Equal(1, purge.PendingCount);
        await world.SignInAsync(user);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var passes = new List<PresenceUpdate?>();
        for (var i = 0; i < 4; i++)
        {
            world.Control.AdvanceClock(interval + TimeSpan.FromSeconds(1));
            await world.Keeper.RunPassAsync(CancellationToken.None);
            passes.Add(await world.LastKnownAsync(user));
        }

        Assert.All(passes, p => Assert.Equal("Back at three", p?.State.StatusMessage?.Content));
        Assert.Single(passes.Select(p => (p!.Version, p.ObservedAt)).Distinct());

        // Once the connector is back and has read everything, the old removal completes and leaves the new state alone.
        await using var back = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        await ReadUntilAsync(back, got => got.FindIndex(e => e.Withdrawal?.UserId == user) is var withdrawn and >= 0
            && got.FindLastIndex(e => e.Presence?.UserId == user) > withdrawn);
        await Eventually.UntilAsync(async () =>
        {
            await world.Keeper.RunPassAsync(CancellationToken.None);
            return purge.PendingCount == 0;
        }, because: "the earlier removal never completed");
        Assert.Equal(passes[^1], await world.LastKnownAsync(user));
    }

    private static async Task<GraphIngestWorld> StartSubscribedAsync()
    {
        var world = await GraphIngestWorld.StartAsync(users: 2);
        await world.SubscribePresenceAsync(world.UserIds[0], [world.UserIds[0], world.UserIds[1]]);
        return world;
    }

    /// <summary>A genuine notification for the user (InACall), captured to forge others from.</summary>
    private static async Task<(string User, BatchForger Forger)> ForgerAsync(GraphIngestWorld world)
    {
        var user = world.UserIds[1];
        world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)),
            because: "no rich notification was delivered");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Activity == Activity.InACall);
        var captured = world.Webhook.Posts.Last(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)).Body;
        return (user, new BatchForger(world, captured, user));
    }

    /// <summary>The sequence number Graph gives the user's next change (the simulator numbers all changes in one series).</summary>
    private static string Next(GraphIngestWorld world, string user)
    {
        var latest = world.UserIds.Select(u => long.Parse(world.Control.GetPresence(u).SequenceNumber, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).Max();
        Assert.True(long.Parse(world.Control.GetPresence(user).SequenceNumber, NumberStyles.HexNumber, CultureInfo.InvariantCulture) <= latest);
        return (latest + 1).ToString("X16", CultureInfo.InvariantCulture);
    }

    private static List<GraphSimulator.SubscriptionInfo> PresenceSubscriptions(GraphIngestWorld world) =>
        [.. world.Control.GetSubscriptions().Where(s => s.Resource.Contains("presences", StringComparison.OrdinalIgnoreCase))];

    private static async Task<JsonDocument> OverviewAsync(GraphIngestWorld world)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/overview");
        request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        using var response = await world.GatewayHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<RelayEvent>> ReadUntilAsync(IRelayFeed feed, Func<List<RelayEvent>, bool> done)
    {
        var got = new List<RelayEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done(got))
        {
            var batch = await feed.ReadAsync(100, timeout.Token);
            got.AddRange(batch);
            await feed.AcknowledgeAsync([.. batch.Select(e => e.Id)], timeout.Token);
        }

        return got;
    }
}
