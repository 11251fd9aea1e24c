using System.Text.Json;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;

namespace PresenceHub.Gateway.Tests.MetadataLog;

/// <summary>The metadata log as an administrator reads it, after presence really flowed to a connector.</summary>
public sealed class MetadataLogEndToEndTests
{
    [Fact]
    public async Task PresenceDeliveredToAConnector_LeavesExactlyTheFiveMetadataFields_AndNoContent()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var users = world.UserIds;
        var key = await world.IssueConnectorKeyAsync();
        var handler = new RecordingHandler();
        await using var connector = ConnectorApiTests.Connect(world, key, "slack-1", "slack", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");
        world.Control.SetUserPresence(users[1], "Busy", "InACall");
        world.Control.SetStatusMessage(users[1], "Quarterly review with the auditors");
        await Eventually.UntilAsync(() => handler.Latest(users[1])?.State.StatusMessage is not null, because: "the presence did not reach the connector");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/metadata-log?userId={users[1]}");
        request.Headers.Add("X-Admin-Key", Graph.GraphIngestWorld.AdminKey);
        using var response = await world.GatewayHttp.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var entries = JsonDocument.Parse(text).RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            Assert.Equal(["receiver", "sender", "sessionId", "time", "type"], entry.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        }

        Assert.Contains(entries, e => e.GetProperty("sender").GetString() == $"teams:{users[1]}"
            && e.GetProperty("receiver").GetString() == "connector:slack-1"
            && e.GetProperty("type").GetString() == "Presence"
            && e.GetProperty("sessionId").GetString() == connector.SessionId);
        Assert.DoesNotContain("InACall", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("auditors", text, StringComparison.OrdinalIgnoreCase);

        using var unauthorized = await world.GatewayHttp.GetAsync($"admin/organizations/{world.Organization}/metadata-log");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
