using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>
/// The connector API end to end: the Graph simulator, the gateway on Kestrel, and connectors using the C# SDK over
/// real gRPC on loopback.
/// </summary>
public sealed class ConnectorApiTests
{
    [Fact]
    public async Task TeamsPresenceChange_ReachesConnectorThroughSdk_WithTheRightMapping()
    {
        await using var world = await StartAsync(users: 3);
        var users = world.UserIds;
        var key = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");
        var handler = new RecordingHandler();
        await using var connector = Connect(world, key, "xmpp-1", "xmpp", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        world.Control.SetUserPresence(users[1], "Busy", "InACall");
        await Eventually.UntilAsync(() => handler.Latest(users[1])?.State.Activity == Activity.InACall,
            because: "the Teams change did not reach the connector");
        var received = handler.Latest(users[1])!;
        Assert.Equal(Availability.Busy, received.State.Availability);
        Assert.Equal(Platform.Teams, received.Update.Source);
        Assert.Equal(world.Organization, received.Organization);
        // Who the user is comes from the profile the gateway fetched when they consented.
        Assert.EndsWith("@contoso.onmicrosoft.com", received.User.UserPrincipalName, StringComparison.Ordinal);
        // The XMPP mapping the connector applies: a call is dnd with a label.
        var xmpp = XmppPresenceMapping.Instance.ToPlatform(received.State);
        Assert.Equal(XmppShow.Dnd, xmpp.Show);
    }

    [Fact]
    public async Task BadCredentials_AreUnauthenticated_OnStreamsAndUnaryCalls()
    {
        await using var world = await StartAsync(users: 1);
        var key = await world.IssueConnectorKeyAsync();
        var forged = key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA");
        foreach (var bad in new[] { forged, "phk_0000000000000000_" + new string('A', 43), "not-a-token", "eyJhbGciOiJub25lIn0.eyJ0aWQiOiIxIn0." })
        {
            await using var connector = Connect(world, bad, "bad-1", "xmpp", new RecordingHandler());
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                connector.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

            await connector.StartAsync(CancellationToken.None);
            await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Rejected, because: "a bad key was not rejected on the stream");
        }
    }

    [Fact]
    public async Task ConnectorOfOrganizationA_AskingForOrganizationBsUsers_GetsNothingAndPermissionDenied()
    {
        await using var world = await StartAsync(users: 2);
        var users = world.UserIds;
        world.Control.SetUserPresence(users[0], "Busy", "InACall");
        await Eventually.UntilAsync(async () => await world.LastKnownAsync(users[0]) is not null, because: "organization B's presence never arrived");

        // Organization A: another tenant of the same gateway, with its own key and no users of B.
        var otherTenant = world.AddPartnerTenant("fabrikam.onmicrosoft.com");
        var keyOfA = await world.IssueConnectorKeyAsync("fabrikam", organization: OrganizationId.Parse(otherTenant));
        var handler = new RecordingHandler();
        await using var connector = Connect(world, keyOfA, "fabrikam-1", "slack", handler);

        var byId = await Assert.ThrowsAsync<RpcException>(() => connector.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(users[0])]));
        Assert.Equal(StatusCode.PermissionDenied, byId.StatusCode);
        var resolve = await Assert.ThrowsAsync<RpcException>(() => connector.ResolveIdentityAsync([IdentityQuery.ForTeamsUser(users[0])]));
        Assert.Equal(StatusCode.PermissionDenied, resolve.StatusCode);
        // By address, B's user is simply not found in A.
        var upn = (await connector.GetLastKnownPresenceAsync([UserReference.ForUserPrincipalName($"simuser0@contoso.onmicrosoft.com")]))[0];
        Assert.False(upn.Found);

        // A's stream carries nothing of B, while B's user keeps changing.
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "organization A's connector did not connect");
        var keyOfB = await world.IssueConnectorKeyAsync("contoso");
        var handlerOfB = new RecordingHandler();
        await using var connectorOfB = Connect(world, keyOfB, "contoso-1", "slack", handlerOfB);
        await connectorOfB.StartAsync(CancellationToken.None);
        world.Control.SetUserPresence(users[0], "Away", "Away");
        await Eventually.UntilAsync(() => handlerOfB.Latest(users[0])?.State.Availability == Availability.Away,
            because: "organization B's own connector did not see the change");
        Assert.Empty(handler.Presence);
    }

    [Fact]
    public async Task KeyRestrictedToOnePlatform_CannotConnectAsAnother()
    {
        await using var world = await StartAsync(users: 1);
        var key = await world.IssueConnectorKeyAsync("xmpp only", "xmpp");
        await using var connector = Connect(world, key, "slack-1", "slack", new RecordingHandler());
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Rejected, because: "a key for xmpp connected as slack");
        var error = await Assert.ThrowsAsync<RpcException>(() => connector.PublishPresenceAsync("u1", new PresenceState(Availability.Available, Activity.Available)));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Publication_LinkedByOverrideOrMail_IsRelayedAndHandedToWriteBack_AndNotEchoedToItsPlatform()
    {
        var writeBack = new RecordingWriteBack();
        await using var world = await StartAsync(users: 3, writeBack);
        var users = world.UserIds;
        // Carol's mail changes in the directory; the profile subscription brings it to the gateway.
        world.Control.UpdateUser(users[2], displayName: "Carol", mail: "carol@contoso.com");
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        await Eventually.UntilAsync(async () => (await directory.FindByAddressAsync(world.Organization, "carol@contoso.com", CancellationToken.None)).Count == 1,
            because: "the profile change did not reach the gateway's directory");
        await world.LinkIdentityAsync("xmpp", "alice@chat.example", users[1]);
        var key = await world.IssueConnectorKeyAsync();
        var xmppHandler = new RecordingHandler();
        var slackHandler = new RecordingHandler();
        await using var xmpp = Connect(world, key, "xmpp-1", "xmpp", xmppHandler);
        await using var slack = Connect(world, key, "slack-1", "slack", slackHandler);
        await xmpp.StartAsync(CancellationToken.None);
        await slack.StartAsync(CancellationToken.None);

        var dnd = new PresenceState(Availability.DoNotDisturb, Activity.Presenting);
        var byOverride = await xmpp.PublishPresenceAsync("alice@chat.example", dnd);
        Assert.Equal(PublicationOutcome.Accepted, byOverride.Outcome);
        Assert.Equal(users[1], byOverride.TeamsUserId);
        var byMail = await xmpp.PublishPresenceAsync("carol@chat.example", dnd, mailHint: "carol@contoso.com");
        Assert.Equal(users[2], byMail.TeamsUserId);
        var unlinked = await xmpp.PublishPresenceAsync("mallory@chat.example", dnd, mailHint: "mallory@elsewhere.example");
        Assert.Equal(PublicationOutcome.UnlinkedUser, unlinked.Outcome);
        var stale = await xmpp.PublishPresenceAsync("alice@chat.example", dnd, version: "1");
        Assert.Equal(PublicationOutcome.Stale, stale.Outcome);

        Assert.Equal([users[1], users[2]], writeBack.Submitted.Select(u => u.UserId).ToList());
        Assert.All(writeBack.Submitted, u => Assert.Equal(Platform.Xmpp, u.Source));
        // Slack sees the XMPP presence of both users; XMPP never gets its own presence back.
        await Eventually.UntilAsync(() => slackHandler.Presence.Count(e => e.Update.Source == Platform.Xmpp) == 2,
            because: "the other connector did not receive the published presence");
        world.Control.SetUserPresence(users[0], "Away", "Away");
        await Eventually.UntilAsync(() => xmppHandler.Latest(users[0]) is not null, because: "xmpp stopped receiving");
        Assert.DoesNotContain(xmppHandler.Presence, e => e.Update.Origin == Platform.Xmpp);
    }

    [Fact]
    public async Task PublishedDoNotDisturb_ShowsInTeams_AndItsReflectionNeverComesBackToThatConnector()
    {
        await using var world = await StartAsync(users: 2, settings: new Dictionary<string, string?> { ["WriteBack:PollInterval"] = "00:00:00.050" });
        var users = world.UserIds;
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", users[1]);
        var key = await world.IssueConnectorKeyAsync();
        var xmppHandler = new RecordingHandler();
        var slackHandler = new RecordingHandler();
        await using var xmpp = Connect(world, key, "xmpp-1", "xmpp", xmppHandler);
        await using var slack = Connect(world, key, "slack-1", "slack", slackHandler);
        await xmpp.StartAsync(CancellationToken.None);
        await slack.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => xmpp.Status == ConnectionStatus.Connected && slack.Status == ConnectionStatus.Connected, because: "the connectors did not connect");

        var published = await xmpp.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.DoNotDisturb, Activity.DoNotDisturb));
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);

        // Written into Teams as our session, aggregated by Teams, and reflected back through the presence subscription.
        await Eventually.UntilAsync(() => world.Control.GetPresence(users[1]).Availability == "DoNotDisturb",
            because: "the published DoNotDisturb did not show in Teams");
        await Eventually.UntilAsync(() => slackHandler.Presence.Any(e => e.Update.UserId == users[1] && e.Update.Source == Platform.Teams
            && e.State.Availability == Availability.DoNotDisturb && e.Update.Origin == Platform.Xmpp),
            because: "the Teams reflection, tagged with its origin, did not reach the other connector");
        // A later change reaches xmpp, so its stream is alive: the reflection was suppressed, not delayed.
        world.Control.SetUserPresence(users[0], "Away", "Away");
        await Eventually.UntilAsync(() => xmppHandler.Latest(users[0])?.State.Availability == Availability.Away, because: "xmpp stopped receiving");
        Assert.DoesNotContain(xmppHandler.Presence, e => e.Update.UserId == users[1] && e.State.Availability == Availability.DoNotDisturb);
    }

    internal static ConnectorClient Connect(GraphIngestWorld world, string key, string connectorId, string platform, IConnectorHandler handler) =>
        new(new ConnectorClientOptions
        {
            HubAddress = world.ConnectorAddress,
            ConnectorId = connectorId,
            Platform = platform,
            AccessToken = key,
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        }, handler);

    /// <summary>
    /// A world whose users all consented, subscribed by the gateway through the first user, who signed in. Write-back
    /// is the gateway's own unless <paramref name="writeBack"/> records it instead.
    /// </summary>
    internal static async Task<GraphIngestWorld> StartAsync(
        int users, IPresenceWriteBack? writeBack = null, string? redis = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var world = await GraphIngestWorld.StartAsync(users, redisConfiguration: redis, gatewaySettings: settings, configureServices: services =>
        {
            if (writeBack is not null)
            {
                services.AddSingleton(writeBack);
            }

            configureServices?.Invoke(services);
        });
        // As in production: the first user signs in (and can own subscriptions), the others are assigned, and the
        // gateway's keeper subscribes to all of them.
        await world.SignInAsync(world.UserIds[0]);
        foreach (var user in world.UserIds.Skip(1))
        {
            await world.AssignAsync(user);
        }

        await world.Keeper.RunPassAsync(CancellationToken.None);
        var subscriptions = await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None);
        Assert.True(world.UserIds.All(u => subscriptions.Any(s => s.Kind == GraphSubscriptionKind.Presence && s.Covers(u))), "the keeper did not subscribe to every consenting user");
        return world;
    }
}
