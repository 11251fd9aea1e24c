using System.Text.Json;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.MetadataLog;

/// <summary>The metadata log as an administrator reads it, after presence really flowed to a connector.</summary>
public sealed class MetadataLogEndToEndTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task EveryLeg_InboundFromGraph_OutToAConnector_AndBackIntoTeams_LeavesItsEntry_InRedis()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2, redis: redis.Server.Configuration,
            settings: new Dictionary<string, string?> { ["WriteBack:PollInterval"] = "00:00:00.050" });
        var users = world.UserIds;
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", users[1]);
        var key = await world.IssueConnectorKeyAsync();
        var handler = new RecordingHandler();
        await using var connector = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        world.Control.SetUserPresence(users[0], "Busy", "InACall");
        await Eventually.UntilAsync(() => handler.Latest(users[0])?.State.Availability == Availability.Busy, because: "the presence did not reach the connector");
        var published = await connector.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.DoNotDisturb, Activity.DoNotDisturb));
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        await Eventually.UntilAsync(() => world.Control.GetPresence(users[1]).Availability == "DoNotDisturb", because: "the write-back did not reach Teams");

        var inbound = await EventuallyEntriesAsync(world, users[0], e => e.Sender == $"teams:{users[0]}" && e.Receiver == "presencehub");
        // Through a Graph subscription: its id is the session (polling would say so instead).
        Assert.Contains(inbound, e => Guid.TryParse(e.SessionId, out _) && e.Type == "Presence");
        Assert.Contains(await EventuallyEntriesAsync(world, users[0], e => e.Receiver == "connector:xmpp-1"),
            e => e.Sender == $"teams:{users[0]}" && e.SessionId == connector.SessionId);
        var intoTeams = await EventuallyEntriesAsync(world, users[1], e => e.Receiver == $"teams:{users[1]}");
        Assert.Contains(intoTeams, e => e.Sender == $"xmpp:{users[1]}" && e.Type == "Presence" && e.SessionId == world.ClientId);
        // The connector's publication itself, received by the gateway: a unary call's session is the connector's credential.
        Assert.Contains(await EventuallyEntriesAsync(world, users[1], e => e.Receiver == "presencehub" && e.Sender == $"xmpp:{users[1]}"),
            e => e.Type == "Presence" && e.SessionId.StartsWith("key:", StringComparison.Ordinal));
    }

    private static async Task<List<Entry>> EventuallyEntriesAsync(Graph.GraphIngestWorld world, string userId, Func<Entry, bool> match)
    {
        List<Entry> found = [];
        await Eventually.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/metadata-log?userId={userId}");
            request.Headers.Add("X-Admin-Key", Graph.GraphIngestWorld.AdminKey);
            using var response = await world.GatewayHttp.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var entries = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("entries").EnumerateArray()
                .Select(e => new Entry(e.GetProperty("sender").GetString()!, e.GetProperty("receiver").GetString()!,
                    e.GetProperty("type").GetString()!, e.GetProperty("sessionId").GetString()!))
                .ToList();
            found = [.. entries.Where(match)];
            return found.Count > 0;
        }, because: $"no matching metadata entry for {userId}");
        return found;
    }

    private sealed record Entry(string Sender, string Receiver, string Type, string SessionId);

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
