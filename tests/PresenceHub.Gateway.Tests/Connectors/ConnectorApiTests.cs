using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Connector.Sdk;
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
        var otherTenant = world.Control.AddTenant(new GraphSimulator.SimulatedTenant { Domain = "fabrikam.onmicrosoft.com" });
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
        var directory = new TestUserDirectory();
        await using var world = await StartAsync(users: 3, writeBack, directory);
        var users = world.UserIds;
        await directory.PutAsync(world.Organization, new UserProfileRecord(users[2], "Carol", "carol@contoso.com", $"carol@contoso.onmicrosoft.com", null, true), CancellationToken.None);
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
        var stale = await xmpp.PublishPresenceAsync("alice@chat.example", dnd, version: PresenceVersion.FromSequence("1"));
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

    /// <summary>A world whose users all consented, subscribed through the first user.</summary>
    internal static async Task<GraphIngestWorld> StartAsync(
        int users, IPresenceWriteBack? writeBack = null, IUserDirectory? directory = null, string? redis = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var world = await GraphIngestWorld.StartAsync(users, redisConfiguration: redis, gatewaySettings: settings, configureServices: services =>
        {
            services.AddSingleton(writeBack ?? new RecordingWriteBack());
            services.AddSingleton(directory ?? new TestUserDirectory());
        });
        foreach (var user in world.UserIds)
        {
            await world.AssignAsync(user);
        }

        await world.SubscribePresenceAsync(world.UserIds[0], world.UserIds);
        return world;
    }
}
