using System.Net;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Subscriptions;

public sealed class SubscriptionRulesTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 700);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task PresenceFilter_With650Ids_IsAccepted()
    {
        using var response = await Create(_world.UserToken(), _world.PresenceSubscriptionBody(_world.UserIds.Take(650), TimeSpan.FromMinutes(60)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task PresenceFilter_With651Ids_IsRejectedWithoutHandshake()
    {
        using var response = await Create(_world.UserToken(), _world.PresenceSubscriptionBody(_world.UserIds.Take(651), TimeSpan.FromMinutes(60)));
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "650");
        Assert.Equal(0, _world.Receiver.Handshakes);
    }

    [Fact]
    public async Task PresenceSubscription_WithAppOnlyToken_IsRejected()
    {
        using var response = await Create(_world.AppToken(), _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60)));
        await AssertGraphError(response, HttpStatusCode.Forbidden, "ExtensionError", "delegated");
    }

    [Fact]
    public async Task SecondPresenceSubscription_BySameUserAndApp_IsRejected()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]], owner: 0);

        using var second = await Create(_world.UserToken(0), _world.PresenceSubscriptionBody([_world.UserIds[1]], TimeSpan.FromMinutes(60)));
        await AssertGraphError(second, HttpStatusCode.Conflict, "ExtensionError", "already exists");

        // Another owner of the same app may subscribe: that is how more than 650 users are covered.
        using var otherOwner = await Create(_world.UserToken(1), _world.PresenceSubscriptionBody([_world.UserIds[1]], TimeSpan.FromMinutes(60)));
        Assert.Equal(HttpStatusCode.Created, otherOwner.StatusCode);
    }

    [Fact]
    public async Task PresenceSubscription_WithChangeTypeOtherThanUpdated_IsRejected()
    {
        var body = _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60));
        body["changeType"] = "created,updated";
        using var response = await Create(_world.UserToken(), body);
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "updated");
    }

    [Fact]
    public async Task ClientState_Over128Characters_IsRejected()
    {
        using var response = await Create(_world.UserToken(), _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60), clientState: new string('x', 129)));
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "128");

        using var exactly128 = await Create(_world.UserToken(), _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60), clientState: new string('x', 128)));
        Assert.Equal(HttpStatusCode.Created, exactly128.StatusCode);
    }

    [Theory]
    [InlineData(HandshakeMode.WrongToken)]
    [InlineData(HandshakeMode.ServerError)]
    public async Task Handshake_NotEchoingToken_RejectsSubscription(HandshakeMode mode)
    {
        _world.Receiver.Handshake = mode;
        using var response = await Create(_world.UserToken(), _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60)));
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "validation request failed");
        Assert.Equal(1, _world.Receiver.Handshakes);
        Assert.Empty(_world.Control.GetSubscriptions());
    }

    [Fact]
    public async Task Handshake_OnLifecycleUrlFailing_RejectsSubscription()
    {
        var body = _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60), lifecycle: true);
        _world.Receiver.FailHandshakeOnPath = "lifecycle";
        using var response = await Create(_world.UserToken(), body);
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "Lifecycle");
        Assert.Equal(2, _world.Receiver.Handshakes);
        Assert.Empty(_world.Control.GetSubscriptions());
    }

    [Fact]
    public async Task PresenceExpiry_Under45Minutes_IsRaisedTo45()
    {
        var now = _world.Control.Now;
        using var response = await Create(_world.UserToken(), _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(10)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var expiry = DateTimeOffset.Parse((await TestWorld.JsonAsync(response))["expirationDateTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(now.AddMinutes(45), expiry);
    }

    [Fact]
    public async Task PresenceExpiry_Over60Minutes_IsRejected()
    {
        using var response = await Create(_world.UserToken(), _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(90)));
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "60 minutes");
    }

    [Fact]
    public async Task PresenceExpiry_Renewal_IsClampedLikeCreate()
    {
        var id = await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        using var tooLong = await _world.SendAsync(HttpMethod.Patch, $"v1.0/subscriptions/{id}", _world.UserToken(), new JsonObject { ["expirationDateTime"] = _world.Control.Now.AddMinutes(120).ToString("O") });
        await AssertGraphError(tooLong, HttpStatusCode.BadRequest, "InvalidRequest", "60 minutes");

        _world.Control.AdvanceClock(TimeSpan.FromMinutes(30));
        using var renewed = await _world.SendAsync(HttpMethod.Patch, $"v1.0/subscriptions/{id}", _world.UserToken(), new JsonObject { ["expirationDateTime"] = _world.Control.Now.AddMinutes(60).ToString("O") });
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(_world.Control.Now.AddMinutes(60), _world.Control.GetSubscriptions().Single().Expiration);
    }

    [Fact]
    public async Task UsersExpiry_Over41760Minutes_IsRejected()
    {
        using var ok = await Create(_world.AppToken(), _world.UsersSubscriptionBody(TimeSpan.FromMinutes(41_760)));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        using var tooLong = await Create(_world.AppToken(), _world.UsersSubscriptionBody(TimeSpan.FromMinutes(41_762)));
        await AssertGraphError(tooLong, HttpStatusCode.BadRequest, "InvalidRequest", "41760");
    }

    [Fact]
    public async Task RichPresence_WithoutEncryptionCertificate_IsRejected()
    {
        var body = _world.PresenceSubscriptionBody([_world.UserIds[0]], TimeSpan.FromMinutes(60));
        body.Remove("encryptionCertificate");
        using var response = await Create(_world.UserToken(), body);
        await AssertGraphError(response, HttpStatusCode.BadRequest, "InvalidRequest", "encryptionCertificate");
    }

    [Fact]
    public async Task SubscriptionLifecycle_GetListUpdateDeleteReauthorize_FollowGraph()
    {
        var id = await _world.SubscribeUsersAsync();
        using var get = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{id}", _world.AppToken());
        var json = await TestWorld.JsonAsync(get);
        Assert.Equal(_world.ClientId, json["applicationId"]!.GetValue<string>());
        Assert.EndsWith("$metadata#subscriptions/$entity", json["@odata.context"]!.GetValue<string>(), StringComparison.Ordinal);

        using var list = await _world.SendAsync(HttpMethod.Get, "v1.0/subscriptions", _world.AppToken());
        Assert.Single((await TestWorld.JsonAsync(list))["value"]!.AsArray());

        using var reauthorize = await _world.SendAsync(HttpMethod.Post, $"v1.0/subscriptions/{id}/reauthorize", _world.AppToken());
        Assert.Equal(HttpStatusCode.NoContent, reauthorize.StatusCode);

        using var otherApp = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{id}", _world.Control.MintAppGraphToken(_world.TenantId, _world.OtherClientId));
        Assert.Equal(HttpStatusCode.NotFound, otherApp.StatusCode);

        using var delete = await _world.SendAsync(HttpMethod.Delete, $"v1.0/subscriptions/{id}", _world.AppToken());
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{id}", _world.AppToken());
        await AssertGraphError(gone, HttpStatusCode.NotFound, "ResourceNotFound", id);
    }

    [Fact]
    public async Task ExpiredSubscription_IsGone()
    {
        var id = await _world.SubscribePresenceAsync([_world.UserIds[0]], lifetime: TimeSpan.FromMinutes(45));
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(46));
        using var gone = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{id}", _world.UserToken());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private Task<HttpResponseMessage> Create(string token, JsonObject body) => _world.SendAsync(HttpMethod.Post, "v1.0/subscriptions", token, body);

    internal static async Task AssertGraphError(HttpResponseMessage response, HttpStatusCode status, string code, string messagePart)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Contains(messagePart, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(error["innerError"]!["request-id"]);
        Assert.NotNull(error["innerError"]!["client-request-id"]);
        Assert.NotNull(error["innerError"]!["date"]);
    }
}
