using System.Net.Http.Json;
using System.Text.Json;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;

namespace PresenceHub.Gateway.Tests.Admin;

/// <summary>The admin overview that feeds the console, read over HTTP from a running gateway.</summary>
public sealed class AdminOverviewTests
{
    [Fact]
    public async Task Overview_ShowsRenewalsLifecycleEventsAndConnectorDeliveries()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var key = await world.IssueConnectorKeyAsync("slack-bridge", "slack");
        var handler = new RecordingHandler();
        await using var connector = ConnectorApiTests.Connect(world, key, "slack-1", "slack", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => handler.Presence.Count >= 2, because: "the connector did not receive the snapshot");
        var presence = (await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None)).Single(s => s.Kind == GraphSubscriptionKind.Presence);

        Assert.True(world.Control.SendReauthorizationRequired(presence.Id));
        await Eventually.UntilAsync(async () => Subscription(await OverviewAsync(world), presence.Id)
            .GetProperty("lifecycleEvents").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "ReauthorizationRequired"),
            because: "the lifecycle event did not show");
        Assert.Equal(JsonValueKind.Null, Subscription(await OverviewAsync(world), presence.Id).GetProperty("lastRenewal").ValueKind);

        // Within the renewal window the keeper renews, and the console shows when.
        world.Control.AdvanceClock(TimeSpan.FromMinutes(50));
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var overview = await OverviewAsync(world);
        var renewed = Subscription(overview, presence.Id);
        Assert.Equal(world.Control.Now, renewed.GetProperty("lastRenewal").GetDateTimeOffset());
        Assert.Equal(2, renewed.GetProperty("usersCovered").GetInt32());
        Assert.Equal(world.UserIds[0], renewed.GetProperty("owner").GetString());

        var slack = Assert.Single(overview.GetProperty("connectors").EnumerateArray());
        Assert.Equal("slack-1", slack.GetProperty("connectorId").GetString());
        Assert.Equal("slack", slack.GetProperty("platform").GetString());
        Assert.True(slack.GetProperty("delivered").GetInt64() >= 2);
        Assert.Equal(2, overview.GetProperty("consents").GetArrayLength());
        Assert.True(overview.GetProperty("throughput").GetProperty("eventsOut").GetInt64() >= 2);
    }

    private static JsonElement Subscription(JsonElement overview, string id) =>
        overview.GetProperty("subscriptions").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);

    private static async Task<JsonElement> OverviewAsync(GraphIngestWorld world)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/overview");
        request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        using var response = await world.GatewayHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
