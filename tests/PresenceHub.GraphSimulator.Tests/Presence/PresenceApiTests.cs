using System.Net;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Tests.Subscriptions;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Presence;

public sealed class PresenceApiTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 3);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Theory]
    [InlineData("Available", "Available")]
    [InlineData("Busy", "InACall")]
    [InlineData("busy", "inaconferencecall")]
    [InlineData("Away", "Away")]
    [InlineData("DoNotDisturb", "Presenting")]
    public async Task SetPresence_AllowedPair_IsAccepted(string availability, string activity)
    {
        using var response = await SetPresence(_world.ClientId, availability, activity, "PT10M");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(availability, _world.Control.GetPresence(_world.UserIds[0]).Availability, ignoreCase: true);
    }

    [Theory]
    [InlineData("Busy", "InAMeeting")]
    [InlineData("Busy", "Busy")]
    [InlineData("DoNotDisturb", "DoNotDisturb")]
    [InlineData("Offline", "OffWork")]
    [InlineData("Available", "Away")]
    public async Task SetPresence_DisallowedPair_IsRejected(string availability, string activity)
    {
        using var response = await SetPresence(_world.ClientId, availability, activity, "PT10M");
        await SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.BadRequest, "BadRequest", "not supported");
    }

    [Fact]
    public async Task SetPresence_SessionIdNotCallersAppId_IsRejected()
    {
        using var response = await SetPresence(_world.OtherClientId, "Busy", "InACall", "PT10M");
        await SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.BadRequest, "BadRequest", "calling application");
    }

    [Theory]
    [InlineData("PT4M59S")]
    [InlineData("PT4H1M")]
    [InlineData("P1D")]
    public async Task SetPresence_ExpirationOutsidePT5MToPT4H_IsRejected(string duration)
    {
        using var response = await SetPresence(_world.ClientId, "Busy", "InACall", duration);
        await SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.BadRequest, "BadRequest", "PT5M");
    }

    [Fact]
    public async Task SetPresence_WithoutExpiration_LastsFiveMinutes()
    {
        using var response = await SetPresence(_world.ClientId, "Busy", "InACall", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(4));
        Assert.Equal("InACall", _world.Control.GetPresence(_world.UserIds[0]).Activity);
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(1));
        Assert.Equal("Offline", _world.Control.GetPresence(_world.UserIds[0]).Availability);
    }

    [Fact]
    public async Task SetPresence_WithDelegatedTokenForAnotherUser_IsForbidden()
    {
        using var response = await _world.SendAsync(HttpMethod.Post, $"v1.0/users/{_world.UserIds[1]}/presence/setPresence", _world.UserToken(0),
            new JsonObject { ["sessionId"] = _world.ClientId, ["availability"] = "Busy", ["activity"] = "InACall" });
        await SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.Forbidden, "Authorization_RequestDenied", "privileges");
    }

    [Fact]
    public async Task ClearPresence_EndsOnlyTheCallersSession()
    {
        await SetPresence(_world.ClientId, "Busy", "InACall", "PT1H");
        await SetPresence(_world.OtherClientId, "Away", "Away", "PT1H", token: _world.Control.MintAppGraphToken(_world.TenantId, _world.OtherClientId));
        using var clear = await _world.SendAsync(HttpMethod.Post, $"v1.0/users/{_world.UserIds[0]}/presence/clearPresence", _world.AppToken(), new JsonObject { ["sessionId"] = _world.ClientId });
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        Assert.Equal("Away", _world.Control.GetPresence(_world.UserIds[0]).Availability);
    }

    [Fact]
    public async Task GetPresence_ReturnsGraphShape()
    {
        _world.Control.SetUserPresence(_world.UserIds[0], "Busy", "InAMeeting");
        _world.Control.SetOutOfOffice(_world.UserIds[0], true, "Back Monday");
        using var response = await _world.SendAsync(HttpMethod.Get, $"v1.0/users/{_world.UserIds[0]}/presence", _world.AppToken());
        var json = await TestWorld.JsonAsync(response);
        Assert.EndsWith($"$metadata#users('{_world.UserIds[0]}')/presence/$entity", json["@odata.context"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(_world.UserIds[0], json["id"]!.GetValue<string>());
        Assert.Equal("Busy", json["availability"]!.GetValue<string>());
        Assert.Equal("InAMeeting", json["activity"]!.GetValue<string>());
        Assert.True(json["outOfOfficeSettings"]!["isOutOfOffice"]!.GetValue<bool>());
        Assert.Equal(16, json["sequenceNumber"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task GetPresencesByUserId_With651Ids_IsRejected()
    {
        var ids = Enumerable.Range(0, 651).Select(_ => Guid.NewGuid().ToString()).ToArray();
        using var response = await GetMany(ids);
        await SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.BadRequest, "BadRequest", "650");

        using var ok = await GetMany(ids.Take(650).ToArray());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(650, (await TestWorld.JsonAsync(ok))["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task GetPresencesByUserId_Over1500In30Seconds_Answers429WithRetryAfter()
    {
        for (var i = 0; i < 1500; i++)
        {
            using var ok = await GetMany([_world.UserIds[0]]);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var throttled = await GetMany([_world.UserIds[0]]);
        await SubscriptionRulesTests.AssertGraphError(throttled, HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many");
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 30);
        Assert.Equal(1, _world.Control.Statistics.ThrottledCalls);

        // Another app of the tenant has its own budget; the same app gets one back once the window slides.
        using var otherApp = await GetMany([_world.UserIds[0]], _world.Control.MintUserGraphToken(_world.TenantId, _world.UserIds[0], _world.OtherClientId, "Presence.Read.All"));
        Assert.Equal(HttpStatusCode.OK, otherApp.StatusCode);
        _world.Control.AdvanceClock(TimeSpan.FromSeconds(retryAfter));
        using var again = await GetMany([_world.UserIds[0]]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task SetStatusMessage_ShowsInPresenceUntilExpiry()
    {
        var expiry = _world.Control.Now.AddMinutes(30);
        using var response = await _world.SendAsync(HttpMethod.Post, $"v1.0/users/{_world.UserIds[0]}/presence/setStatusMessage", _world.AppToken(), new JsonObject
        {
            ["statusMessage"] = new JsonObject
            {
                ["message"] = new JsonObject { ["content"] = "Focus time", ["contentType"] = "text" },
                ["expiryDateTime"] = new JsonObject { ["dateTime"] = expiry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), ["timeZone"] = "UTC" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Focus time", _world.Control.GetPresence(_world.UserIds[0]).StatusMessage);
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(31));
        Assert.Null(_world.Control.GetPresence(_world.UserIds[0]).StatusMessage);
    }

    private Task<HttpResponseMessage> SetPresence(string sessionId, string availability, string activity, string? duration, string? token = null)
    {
        var body = new JsonObject { ["sessionId"] = sessionId, ["availability"] = availability, ["activity"] = activity };
        if (duration is not null)
        {
            body["expirationDuration"] = duration;
        }

        return _world.SendAsync(HttpMethod.Post, $"v1.0/users/{_world.UserIds[0]}/presence/setPresence", token ?? _world.AppToken(), body);
    }

    private Task<HttpResponseMessage> GetMany(string[] ids, string? token = null) =>
        _world.SendAsync(HttpMethod.Post, "v1.0/communications/getPresencesByUserId", token ?? _world.AppToken(), new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) });
}
