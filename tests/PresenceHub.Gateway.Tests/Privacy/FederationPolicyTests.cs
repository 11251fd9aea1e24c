using System.Net;
using Grpc.Core;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>The organization's allow-list of federated platforms and domains, enforced on the connector API end to end.</summary>
public sealed class FederationPolicyTests
{
    [Fact]
    public async Task PlatformNotAllowed_IsRefusedAtConnectAndOnUnaryCalls_AndItsOpenSessionIsEnded()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var key = await world.IssueConnectorKeyAsync();
        await using var slack = ConnectorApiTests.Connect(world, key, "slack-1", "slack", new OrderedHandler());
        await slack.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => slack.Status == ConnectionStatus.Connected, because: "slack did not connect before the policy");

        var policy = await (await world.AdminAsync(HttpMethod.Put, $"admin/organizations/{world.Organization}/federation-policy",
            new { platforms = new[] { "XMPP" }, domains = (string[]?)null })).JsonAsync();
        Assert.Equal("{\"platforms\":[\"xmpp\"],\"domains\":null}", policy.GetRawText());

        // The open session is ended, and reconnecting is refused.
        await Eventually.UntilAsync(() => slack.Status == ConnectionStatus.Rejected, because: "the slack session outlived the policy");
        var publish = await Assert.ThrowsAsync<RpcException>(() => slack.PublishPresenceAsync("u1@chat.example", new PresenceState(Availability.Available, Activity.Available)));
        Assert.Equal(StatusCode.PermissionDenied, publish.StatusCode);
        Assert.Contains("does not allow platform 'slack'", publish.Status.Detail, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<RpcException>(() => slack.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
        Assert.Equal(StatusCode.PermissionDenied, read.StatusCode);
        var resolve = await Assert.ThrowsAsync<RpcException>(() => slack.ResolveIdentityAsync([IdentityQuery.ForTeamsUser(world.UserIds[0])]));
        Assert.Equal(StatusCode.PermissionDenied, resolve.StatusCode);

        // A key bound to slack is refused even on calls that name no platform.
        await using var boundToSlack = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync("slack only", "slack"), "slack-2", "slack", new OrderedHandler());
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
            boundToSlack.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]))).StatusCode);

        // XMPP is allowed and works.
        await using var xmpp = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", new OrderedHandler());
        await xmpp.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => xmpp.Status == ConnectionStatus.Connected, because: "an allowed platform was refused");

        // Open again: slack may connect.
        using var open = await world.AdminAsync(HttpMethod.Put, $"admin/organizations/{world.Organization}/federation-policy", new { platforms = (string[]?)null });
        Assert.Equal("{\"platforms\":null,\"domains\":null}", (await open.JsonAsync()).GetRawText());
        await using var again = ConnectorApiTests.Connect(world, key, "slack-3", "slack", new OrderedHandler());
        await again.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => again.Status == ConnectionStatus.Connected, because: "slack stayed refused after the policy was lifted");
    }

    [Fact]
    public async Task DomainNotAllowed_RefusesPublicationsAndIdentityResolution_OfThatDomainOnly()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 3);
        var (alice, mallory) = (world.UserIds[1], world.UserIds[2]);
        await world.LinkIdentityAsync("xmpp", "alice@chat.example", alice);
        await world.LinkIdentityAsync("xmpp", "mallory@elsewhere.example", mallory);
        using (var set = await world.AdminAsync(HttpMethod.Put, $"admin/organizations/{world.Organization}/federation-policy", new { domains = new[] { "Chat.Example." } }))
        {
            Assert.Equal("{\"platforms\":null,\"domains\":[\"chat.example\"]}", (await set.JsonAsync()).GetRawText());
        }

        await using var xmpp = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync(), "xmpp-1", "xmpp", new OrderedHandler());
        var busy = new PresenceState(Availability.Busy, Activity.Busy);
        var allowed = await xmpp.PublishPresenceAsync("alice@chat.example", busy);
        Assert.Equal((PublicationOutcome.Accepted, alice), (allowed.Outcome, allowed.TeamsUserId));
        var refused = await xmpp.PublishPresenceAsync("mallory@elsewhere.example", busy);
        Assert.Equal(PublicationOutcome.Rejected, refused.Outcome);
        Assert.Contains("does not allow domain 'elsewhere.example'", refused.Detail, StringComparison.Ordinal);
        Assert.Null((await world.Relay.GetLastKnownAsync(world.Organization, [new PresenceSubject(Platform.Xmpp, mallory)], CancellationToken.None))[0]);
        Assert.NotNull((await world.Relay.GetLastKnownAsync(world.Organization, [new PresenceSubject(Platform.Xmpp, alice)], CancellationToken.None))[0]);
        var noDomain = await xmpp.PublishPresenceAsync("U12345", busy);
        Assert.Equal(PublicationOutcome.Rejected, noDomain.Outcome);

        var resolveAllowed = await xmpp.ResolveIdentityAsync([IdentityQuery.ForPlatformUser("alice@chat.example")]);
        Assert.Equal(alice, resolveAllowed[0].User?.TeamsUserId);
        var resolveRefused = await Assert.ThrowsAsync<RpcException>(() => xmpp.ResolveIdentityAsync([IdentityQuery.ForPlatformUser("mallory@elsewhere.example")]));
        Assert.Equal(StatusCode.PermissionDenied, resolveRefused.StatusCode);
        Assert.Contains("elsewhere.example", resolveRefused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyPut_WithBadInput_IsA400NamingTheProblem()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 1);
        var path = $"admin/organizations/{world.Organization}/federation-policy";
        foreach (var (body, expected) in new[]
                 {
                     ("{\"platforms\":[\"teams\"]}", "\"platforms\"[0] is not a valid connector platform id"),
                     ("{\"platforms\":\"xmpp\"}", "\"platforms\" must be an array"),
                     ("{\"domains\":[\"not a domain\"]}", "\"domains\"[0] is not a valid domain name"),
                     ("{\"domains\":[\"-bad.example\"]}", "\"domains\"[0] is not a valid domain name"),
                     ("{\"users\":[]}", "Unknown field \"users\""),
                     ("nope", "not JSON"),
                 })
        {
            using var response = await world.AdminAsync(HttpMethod.Put, path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains(expected, System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var unchanged = await world.AdminAsync(HttpMethod.Get, path);
        Assert.Equal("{\"platforms\":null,\"domains\":null}", (await unchanged.JsonAsync()).GetRawText());
        using var withoutKey = await world.GatewayHttp.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        using var badOrganization = await world.AdminAsync(HttpMethod.Get, "admin/organizations/contoso/federation-policy");
        Assert.Equal(HttpStatusCode.BadRequest, badOrganization.StatusCode);
    }
}
