using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.Tests.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>
/// Pause and the two directions end to end, on a real redis-server: the Graph simulator, the gateway on Kestrel and
/// connectors over gRPC.
/// </summary>
public sealed class DataSubjectControlTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Pause_WithdrawsTheUser_AndWithholdsTheirChanges_WhileOthersKeepFlowing_ThenResumePublishesTheirCurrentPresence()
    {
        await using var world = await StartAsync(users: 2);
        var (alice, bob) = (world.UserIds[0], world.UserIds[1]);
        var handler = new OrderedHandler();
        await using var connector = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync("slack", "slack"), "slack-1", "slack", handler);
        await connector.StartAsync(CancellationToken.None);
        world.Control.SetUserPresence(alice, "Busy", "InACall");
        await Eventually.UntilAsync(() => handler.PresenceAfterWithdrawal(alice).Any(e => e.State.Activity == Activity.InACall),
            because: "alice's presence did not reach the connector before the pause");

        await world.SetPrivacyAsync(alice, new { paused = true });

        await Eventually.UntilAsync(() => handler.Of(alice).OfType<WithdrawnEvent>().Any(w => w.Reason == Connector.Sdk.WithdrawalReason.OptedOut),
            because: "the connector was not told to forget the paused user");
        Assert.Null(await world.LastKnownAsync(alice));
        var posts = world.Webhook.Posts.Count;
        world.Control.SetUserPresence(alice, "Away", "Away");
        // The gateway answered Graph's notification of alice's change (202: whatever it publishes is durable by then).
        await Eventually.UntilAsync(() => world.Webhook.Posts.Skip(posts).Any(p => p.Status == 202 && p.Body.Contains(alice, StringComparison.OrdinalIgnoreCase)),
            because: "the notification of the paused user's change was not processed");
        await world.Keeper.RunPassAsync(CancellationToken.None);
        world.Control.SetUserPresence(bob, "DoNotDisturb", "Presenting");
        await Eventually.UntilAsync(() => handler.PresenceAfterWithdrawal(bob).Any(e => e.State.Availability == Availability.DoNotDisturb),
            because: "the other user's presence stopped flowing");
        Assert.Empty(handler.PresenceAfterWithdrawal(alice));
        Assert.Null(await world.LastKnownAsync(alice));
        var asked = await connector.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(alice), UserReference.ForTeamsUser(bob)]);
        Assert.False(asked[0].Found);
        Assert.True(asked[1].Found);
        var resolved = await connector.ResolveIdentityAsync([IdentityQuery.ForTeamsUser(alice), IdentityQuery.ForTeamsUser(bob)]);
        Assert.Null(resolved[0].User);
        Assert.Equal(bob, resolved[1].User?.TeamsUserId);

        var resumed = await world.PutPrivacyAsync(alice, new { paused = false });
        var settings = await resumed.JsonAsync();
        Assert.False(settings.GetProperty("paused").GetBoolean());

        await Eventually.UntilAsync(() => handler.PresenceAfterWithdrawal(alice).Any(e => e.State.Availability == Availability.Away),
            because: "resuming did not publish the user's current presence");
        Assert.NotNull(await world.LastKnownAsync(alice));
    }

    [Fact]
    public async Task ShareOutOff_WithdrawsAndWithholds_ButTheUsersOwnPublicationStillShowsInTheirTeams()
    {
        await using var world = await StartAsync(users: 2, writeBackPoll: true);
        var alice = world.UserIds[1];
        await world.LinkIdentityAsync("xmpp", "alice@chat.example", alice);
        var handler = new OrderedHandler();
        var key = await world.IssueConnectorKeyAsync();
        await using var slack = ConnectorApiTests.Connect(world, key, "slack-1", "slack", handler);
        await using var xmpp = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", new OrderedHandler());
        await slack.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => slack.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        await world.SetPrivacyAsync(alice, new { shareOut = false });
        await Eventually.UntilAsync(() => handler.Of(alice).OfType<WithdrawnEvent>().Any(), because: "turning sharing off did not withdraw the user");

        var published = await xmpp.PublishPresenceAsync("alice@chat.example", new PresenceState(Availability.DoNotDisturb, Activity.DoNotDisturb));
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        await Eventually.UntilAsync(() => world.Control.GetPresence(alice).Availability == "DoNotDisturb",
            because: "with show-in on, the user's own publication was not written into their Teams");
        // The reflection from Teams, and the publication itself, went to no other connector.
        world.Control.SetUserPresence(world.UserIds[0], "Away", "Away");
        await Eventually.UntilAsync(() => handler.PresenceAfterWithdrawal(world.UserIds[0]).Any(e => e.State.Availability == Availability.Away),
            because: "the other user's presence stopped flowing");
        Assert.Empty(handler.PresenceAfterWithdrawal(alice));
    }

    [Fact]
    public async Task ShowInOff_ClearsTheWriteBackSession_AndLaterPublicationsAreNotWrittenBack()
    {
        await using var world = await StartAsync(users: 3, writeBackPoll: true);
        var (carol, dave) = (world.UserIds[1], world.UserIds[2]);
        await world.LinkIdentityAsync("xmpp", "carol@chat.example", carol);
        await world.LinkIdentityAsync("xmpp", "dave@chat.example", dave);
        await using var xmpp = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync(), "xmpp-1", "xmpp", new OrderedHandler());
        var dnd = new PresenceState(Availability.DoNotDisturb, Activity.DoNotDisturb);
        Assert.Equal(PublicationOutcome.Accepted, (await xmpp.PublishPresenceAsync("carol@chat.example", dnd)).Outcome);
        await Eventually.UntilAsync(() => world.Control.GetPresence(carol).Availability == "DoNotDisturb", because: "the write-back never showed");

        await world.SetPrivacyAsync(carol, new { showIn = false });

        // Our session in carol's Teams presence is cleared, so Teams no longer aggregates the XMPP DoNotDisturb.
        await Eventually.UntilAsync(() => world.Control.GetPresence(carol).Availability != "DoNotDisturb", because: "the write-back session was not cleared");
        var busy = new PresenceState(Availability.Busy, Activity.Busy);
        Assert.Equal(PublicationOutcome.Accepted, (await xmpp.PublishPresenceAsync("carol@chat.example", busy)).Outcome);
        Assert.Equal(PublicationOutcome.Accepted, (await xmpp.PublishPresenceAsync("dave@chat.example", busy)).Outcome);
        await Eventually.UntilAsync(() => world.Control.GetPresence(dave).Availability == "Busy", because: "write-back of a user who shows in stopped");
        Assert.NotEqual("Busy", world.Control.GetPresence(carol).Availability);
        // The worker records the cleared session after Teams answered; carol's later publication added nothing to it.
        await Eventually.UntilAsync(async () => await world.SessionAsync(carol) is null or { Sources.Count: 0, AppliedPair: null, Claim: null },
            because: "carol's write-back session still holds presence");
    }

    [Fact]
    public async Task PrivacyPut_WithBadInput_IsA400NamingTheProblem_AndUnknownUsersAre404()
    {
        await using var world = await StartAsync(users: 1);
        var user = world.UserIds[0];
        foreach (var (body, expected) in new (object Body, string Expected)[]
                 {
                     ("{\"paused\":\"yes\"}", "\"paused\" must be true or false"),
                     ("{\"muted\":true}", "Unknown field \"muted\""),
                     ("{}", "names no setting"),
                     ("[true]", "Expected a JSON object"),
                     ("not json", "not JSON"),
                 })
        {
            using var response = await world.PutPrivacyAsync(user, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, text);
            Assert.Contains(expected, System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var notAGuid = await world.PutPrivacyAsync("not-a-user", new { paused = true });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, notAGuid.StatusCode);
        using var stranger = await world.PutPrivacyAsync(Guid.NewGuid().ToString(), new { paused = true });
        Assert.Equal(System.Net.HttpStatusCode.NotFound, stranger.StatusCode);
        using var withoutKey = await world.GatewayHttp.GetAsync($"admin/organizations/{world.Organization}/users/{user}/privacy");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, withoutKey.StatusCode);

        // Partial updates keep the other flags; the store holds what the API answered.
        await world.SetPrivacyAsync(user, new { showIn = false });
        var settings = await (await world.AdminAsync(HttpMethod.Get, $"admin/organizations/{world.Organization}/users/{user}/privacy")).JsonAsync();
        Assert.Equal("{\"paused\":false,\"shareOut\":true,\"showIn\":false}", settings.GetRawText());
        var stored = world.Gateway.Services.GetRequiredService<IPrivacySettingsStore>();
        Assert.Equal(new PrivacySettings(ShowIn: false), (await stored.GetManyAsync(world.Organization, [user], CancellationToken.None))[0]);
    }

    [Fact]
    public async Task SelfService_PutPrivacy_ChangesOnlyTheCallersOwnSettings()
    {
        await using var world = await StartAsync(users: 2);
        var (erin, frank) = (world.UserIds[0], world.UserIds[1]);

        using var put = await world.AsUserAsync(world.Organization.ToString(), erin, HttpMethod.Put, "api/me/privacy", new { paused = true });
        Assert.True((await put.JsonAsync()).GetProperty("paused").GetBoolean());
        using var me = await world.AsUserAsync(world.Organization.ToString(), erin, HttpMethod.Get, "api/me");
        var summary = await me.JsonAsync();
        Assert.Equal(erin, summary.GetProperty("userId").GetString());
        Assert.True(summary.GetProperty("privacy").GetProperty("paused").GetBoolean());
        Assert.False(summary.GetProperty("shared").GetProperty("presence").GetBoolean());

        var stored = world.Gateway.Services.GetRequiredService<IPrivacySettingsStore>();
        var both = await stored.GetManyAsync(world.Organization, [erin, frank], CancellationToken.None);
        Assert.True(both[0].Paused);
        Assert.Equal(PrivacySettings.Default, both[1]);
        using var anonymous = await world.GatewayHttp.PutAsJsonAsync("api/me/privacy", new { paused = true });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Me_SaysWhatIsSharedAndWithWhichConnectedPlatforms()
    {
        await using var world = await StartAsync(users: 1);
        var user = world.UserIds[0];
        await using var slack = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync("slack", "slack"), "slack-1", "slack", new OrderedHandler());
        await slack.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => slack.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        using var response = await world.AsUserAsync(world.Organization.ToString(), user, HttpMethod.Get, "api/me");
        var me = await response.JsonAsync();
        Assert.Equal(world.Organization.ToString(), me.GetProperty("organization").GetString());
        Assert.Equal("SignedIn", me.GetProperty("consent").GetProperty("source").GetString());
        Assert.True(me.GetProperty("shared").GetProperty("presence").GetBoolean());
        Assert.Equal(["slack"], me.GetProperty("shared").GetProperty("platforms").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Contains("displayName", me.GetProperty("shared").GetProperty("profileFields").EnumerateArray().Select(p => p.GetString()));
        Assert.True(me.GetProperty("shownIn").GetBoolean());
    }

    private async Task<GraphIngestWorld> StartAsync(int users, bool writeBackPoll = false)
    {
        var settings = new Dictionary<string, string?> { ["Relay:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        if (writeBackPoll)
        {
            settings["WriteBack:PollInterval"] = "00:00:00.050";
        }

        return await ConnectorApiTests.StartAsync(users, redis: redis.Server.Configuration, settings: settings);
    }
}
