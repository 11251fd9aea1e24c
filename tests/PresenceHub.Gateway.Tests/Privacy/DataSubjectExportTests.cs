using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>
/// Export returns all of a user's data and nothing of anyone else's, in memory and on a real redis-server; and a
/// user's self-service view never reaches into another organization.
/// </summary>
public sealed class DataSubjectExportTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_HoldsEverythingOfTheUser_AndNothingOfAnotherUserWithDistinctiveData(bool onRedis)
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 3, redis: onRedis ? redis.Server.Configuration : null, settings: new Dictionary<string, string?>
        {
            ["Relay:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
        });
        var (owner, alice, bob) = (world.UserIds[0], world.UserIds[1], world.UserIds[2]);
        await using var slack = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync(), "slack-1", "slack", new OrderedHandler());
        await using var xmpp = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync(), "xmpp-1", "xmpp", new OrderedHandler());
        await slack.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => slack.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        var canaries = new Dictionary<string, string[]>
        {
            [alice] = ["Alice Quokka-7f3a", "Keeper of the alpha canary", "alpha status canary", "alice@chat.example"],
            [bob] = ["Bob Narwhal-9c1e", "Warden of the beta canary", "beta status canary", "bob@chat.example"],
        };
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        foreach (var (user, c) in canaries)
        {
            world.Control.UpdateUser(user, displayName: c[0], jobTitle: c[1]);
            world.Control.SetStatusMessage(user, c[2]);
            await world.LinkIdentityAsync("xmpp", c[3], user);
            Assert.Equal(PublicationOutcome.Accepted, (await xmpp.PublishPresenceAsync(c[3], new PresenceState(Availability.Busy, Activity.Busy))).Outcome);
        }

        foreach (var (user, c) in canaries)
        {
            await Eventually.UntilAsync(async () => (await directory.GetManyAsync(world.Organization, [user], CancellationToken.None))[0]?.DisplayName == c[0],
                because: "the profile change did not reach the directory");
            await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.StatusMessage?.Content == c[2],
                because: "the status message did not reach the last-known state");
        }

        await world.SetPrivacyAsync(bob, new { showIn = false });

        var export = await world.ExportAsync(alice);
        foreach (var canary in canaries[alice].Append(alice))
        {
            Assert.Contains(canary, export, StringComparison.Ordinal);
        }

        foreach (var foreign in canaries[bob].Append(bob).Append(owner))
        {
            Assert.DoesNotContain(foreign, export, StringComparison.OrdinalIgnoreCase);
        }

        var document = JsonDocument.Parse(export).RootElement;
        Assert.Equal(alice, document.GetProperty("userId").GetString());
        Assert.Equal("AdminAssigned", document.GetProperty("consent").GetProperty("source").GetString());
        Assert.Equal("{\"paused\":false,\"shareOut\":true,\"showIn\":true}", document.GetProperty("privacy").GetRawText());
        Assert.Equal("Alice Quokka-7f3a", document.GetProperty("profile").GetProperty("displayName").GetString());
        var presence = document.GetProperty("presence").EnumerateArray().ToList();
        Assert.Contains(presence, p => p.GetProperty("source").GetString() == "teams"
            && p.GetProperty("statusMessage").GetProperty("content").GetString() == "alpha status canary");
        Assert.Contains(presence, p => p.GetProperty("source").GetString() == "xmpp" && p.GetProperty("availability").GetString() == "Busy");
        var link = Assert.Single(document.GetProperty("identityLinks").EnumerateArray());
        Assert.Equal(("xmpp", "alice@chat.example"), (link.GetProperty("platform").GetString(), link.GetProperty("platformUserId").GetString()));
        Assert.Equal("xmpp", Assert.Single(document.GetProperty("writeBack").GetProperty("sources").EnumerateArray()).GetProperty("platform").GetString());
        var entries = document.GetProperty("metadataLog").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.True(
            e.GetProperty("sender").GetString()!.EndsWith(alice, StringComparison.Ordinal) || e.GetProperty("receiver").GetString()!.EndsWith(alice, StringComparison.Ordinal),
            $"an entry not about the user: {e}"));

        // Bob's own export has his settings, and again nothing of alice.
        var bobs = await world.ExportAsync(bob);
        Assert.Equal("{\"paused\":false,\"shareOut\":true,\"showIn\":false}", JsonDocument.Parse(bobs).RootElement.GetProperty("privacy").GetRawText());
        Assert.All(canaries[alice].Append(alice), c => Assert.DoesNotContain(c, bobs, StringComparison.OrdinalIgnoreCase));

        // The self-service export is the same document for the signed-in user.
        using var mine = await world.AsUserAsync(world.Organization.ToString(), alice, HttpMethod.Get, "api/me/export");
        var self = await mine.JsonAsync();
        Assert.Equal(alice, self.GetProperty("userId").GetString());
        Assert.Equal("Alice Quokka-7f3a", self.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.DoesNotContain("Bob Narwhal-9c1e", self.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfService_OfAUserInOrganizationA_NeverReturnsOrganizationBsData()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2, redis: redis.Server.Configuration, settings: new Dictionary<string, string?>
        {
            ["Relay:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
        });
        var alice = world.UserIds[1];
        var tenantB = world.AddPartnerTenant("fabrikam.onmicrosoft.com");
        var organizationB = OrganizationId.Parse(tenantB);
        // The same multi-tenant app registration, consented in B too.
        world.Control.AddApp(tenantB, new SimulatedApp { ClientId = world.ClientId, DisplayName = "PresenceHub", ClientSecret = GraphIngestWorld.Secret });
        var bob = world.Control.CreateUsers(tenantB, 1, "fabrikam")[0];
        using (var assign = await world.AdminAsync(HttpMethod.Put, $"admin/organizations/{tenantB}/consents/{bob}"))
        {
            Assert.True(assign.IsSuccessStatusCode, $"assigning in B failed: {(int)assign.StatusCode}");
        }

        using (var link = await world.AdminAsync(HttpMethod.Put, $"admin/organizations/{tenantB}/identity-links/xmpp/{Uri.EscapeDataString("bob-of-b@chat.example")}", new { teamsUserId = bob }))
        {
            Assert.True(link.IsSuccessStatusCode, $"linking in B failed: {(int)link.StatusCode}");
        }

        await world.LinkIdentityAsync("xmpp", "alice-of-a@chat.example", alice);
        using (var pause = await world.AsUserAsync(tenantB, bob, HttpMethod.Put, "api/me/privacy", new { paused = true, showIn = false }))
        {
            Assert.True((await pause.JsonAsync()).GetProperty("paused").GetBoolean());
        }

        using var meA = await world.AsUserAsync(world.Organization.ToString(), alice, HttpMethod.Get, "api/me");
        using var exportA = await world.AsUserAsync(world.Organization.ToString(), alice, HttpMethod.Get, "api/me/export");
        foreach (var body in new[] { (await meA.JsonAsync()).GetRawText(), (await exportA.JsonAsync()).GetRawText() })
        {
            Assert.Contains(world.Organization.ToString(), body, StringComparison.Ordinal);
            Assert.DoesNotContain(tenantB, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(bob, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("bob-of-b", body, StringComparison.Ordinal);
            Assert.Contains("\"paused\":false", body, StringComparison.Ordinal);
        }

        using var meB = await world.AsUserAsync(tenantB, bob, HttpMethod.Get, "api/me/export");
        var exportB = await meB.JsonAsync();
        Assert.Equal(tenantB, exportB.GetProperty("organization").GetString());
        Assert.True(exportB.GetProperty("privacy").GetProperty("paused").GetBoolean());
        Assert.Equal("bob-of-b@chat.example", Assert.Single(exportB.GetProperty("identityLinks").EnumerateArray()).GetProperty("platformUserId").GetString());
        Assert.DoesNotContain(alice, exportB.GetRawText(), StringComparison.OrdinalIgnoreCase);

        // The admin path is scoped by its organization segment: A's user asked for under B holds nothing of A.
        var crossed = JsonDocument.Parse(await world.ExportAsync(alice, organizationB)).RootElement;
        Assert.Equal(JsonValueKind.Null, crossed.GetProperty("consent").ValueKind);
        Assert.Equal(JsonValueKind.Null, crossed.GetProperty("profile").ValueKind);
        Assert.Empty(crossed.GetProperty("identityLinks").EnumerateArray());
        Assert.Empty(crossed.GetProperty("metadataLog").EnumerateArray());
        using var crossedSettings = await world.AdminAsync(HttpMethod.Get, $"admin/organizations/{tenantB}/users/{alice}/privacy");
        Assert.Equal(HttpStatusCode.NotFound, crossedSettings.StatusCode);
    }
}
