using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Control;

/// <summary>The HTTP control API (process mode) and the presence generator.</summary>
public sealed class ControlApiTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 2);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task HttpControl_RegistersUsersMintsTokensAndChangesPresence()
    {
        var tenant = await PostJson("_simulator/tenants", new JsonObject { ["domain"] = "fabrikam.onmicrosoft.com" });
        var tenantId = (string)tenant["id"]!;
        var app = await PostJson($"_simulator/tenants/{tenantId}/apps", new JsonObject { ["clientSecret"] = "s", ["applicationPermissions"] = new JsonArray("Presence.Read.All") });
        var clientId = (string)app["clientId"]!;
        var users = await PostJson($"_simulator/tenants/{tenantId}/users/bulk", new JsonObject { ["count"] = 3 });
        var userId = (string)users["ids"]![0]!;

        var presence = await PostJson($"_simulator/users/{userId}/presence", new JsonObject { ["availability"] = "DoNotDisturb", ["activity"] = "Presenting" });
        Assert.Equal("DoNotDisturb", (string?)presence["availability"]);

        var sso = await PostJson($"_simulator/tenants/{tenantId}/users/{userId}/teamsSsoToken", new JsonObject { ["clientId"] = clientId });
        Assert.False(string.IsNullOrEmpty((string?)sso["token"]));

        var appToken = (string)(await PostJson($"_simulator/tenants/{tenantId}/apps/{clientId}/graphToken", new JsonObject()))["token"]!;
        using var read = await _world.SendAsync(HttpMethod.Get, $"v1.0/users/{userId}/presence", appToken);
        Assert.Equal("Presenting", (string?)(await TestWorld.JsonAsync(read))["activity"]);

        using var bad = await _world.Http.PostAsJsonAsync("_simulator/users/nobody/presence", new { availability = "Busy", activity = "InACall" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task UpdateUser_ChangesOnlyTheGivenFields_AndNotifiesUsersSubscribers()
    {
        var userId = _world.UserIds[0];
        await _world.SubscribeUsersAsync();
        using var before = await _world.SendAsync(HttpMethod.Get, $"v1.0/users/{userId}", _world.AppToken());
        var original = await TestWorld.JsonAsync(before);

        _world.Control.UpdateUser(userId, displayName: "Ada King", mail: "ada.king@contoso.com");
        using var patch = await _world.Http.PatchAsJsonAsync($"_simulator/users/{userId}", new { jobTitle = "Countess" });
        using var unknown = await _world.Http.PatchAsJsonAsync("_simulator/users/nobody", new { jobTitle = "x" });
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 2, "both updates were notified");
        using var after = await _world.SendAsync(HttpMethod.Get, $"v1.0/users/{userId}", _world.AppToken());
        var updated = await TestWorld.JsonAsync(after);

        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("Ada King", (string?)updated["displayName"]);
        Assert.Equal("ada.king@contoso.com", (string?)updated["mail"]);
        Assert.Equal("Countess", (string?)updated["jobTitle"]);
        Assert.Equal((string?)original["userPrincipalName"], (string?)updated["userPrincipalName"]);
        Assert.All(_world.Receiver.Items(), i => Assert.Equal("updated", (string?)i["changeType"]));
        Assert.All(_world.Receiver.Items(), i => Assert.Equal($"Users/{userId}", (string?)i["resource"]));
    }

    [Fact]
    public async Task HttpControl_AdvancesClockAndSetsFaults()
    {
        var before = _world.Control.Now;
        await PostJson("_simulator/clock/advance", new JsonObject { ["seconds"] = 600 });
        Assert.Equal(before.AddMinutes(10), _world.Control.Now);

        using var put = await _world.Http.PutAsJsonAsync("_simulator/faults", new { dropNext = 4, throttleEveryNthCall = 5, slowEndpointThrottling = true });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(4, _world.Control.Faults.DropNext);
        Assert.Equal(5, _world.Control.Faults.ThrottleEveryNthCall);
        Assert.True(_world.Control.Faults.SlowEndpointThrottling);

        using var stats = await _world.Http.GetAsync(new Uri("_simulator/statistics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        using var ca = await _world.Http.GetAsync(new Uri("_simulator/ca.pem", UriKind.Relative));
        Assert.Contains("BEGIN CERTIFICATE", await ca.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generator_DrivesUsersThroughPresenceChangesThatSubscribersReceive()
    {
        var ids = _world.Control.CreateUsers(_world.TenantId, 50, "load");
        await _world.SubscribePresenceAsync(ids);
        _world.Control.StartPresenceGenerator(new PresenceGeneratorSettings { TenantId = _world.TenantId, UserIds = ids, ChangesPerSecond = 1000, MaxChanges = 300, Seed = 7 });
        await Eventually.UntilAsync(() => _world.Control.GeneratedChanges == 300, "the generator made 300 changes");
        await _world.Control.StopPresenceGeneratorAsync();

        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 300, "every change was notified");
        var states = ids.Select(id => _world.Control.GetPresence(id).Availability).Distinct().ToList();
        Assert.True(states.Count > 2, "users ended in varied states");
    }

    private async Task<JsonObject> PostJson(string path, JsonObject body)
    {
        using var response = await _world.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return (JsonObject)JsonNode.Parse(text)!;
    }
}
