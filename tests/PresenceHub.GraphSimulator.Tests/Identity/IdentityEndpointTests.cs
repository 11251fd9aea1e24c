using System.Net;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Identity;

public sealed class IdentityEndpointTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 2);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task OpenIdConfiguration_PointsAtTheSimulatorAndPublishesTheSigningKey()
    {
        var config = await GetJson($"{_world.TenantId}/v2.0/.well-known/openid-configuration");
        var authority = _world.Simulator.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal($"{authority}/{_world.TenantId}/v2.0", (string?)config["issuer"]);
        Assert.Equal($"{authority}/{_world.TenantId}/oauth2/v2.0/token", (string?)config["token_endpoint"]);

        var keys = await GetJson(new Uri((string)config["jwks_uri"]!).PathAndQuery.TrimStart('/'));
        var key = keys["keys"]!.AsArray().Single()!;
        Assert.Equal("RSA", (string?)key["kty"]);

        var token = _world.AppToken();
        var header = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]))!;
        Assert.Equal((string?)key["kid"], (string?)header["kid"]);
        Assert.Equal("RS256", (string?)header["alg"]);

        var common = await GetJson("common/v2.0/.well-known/openid-configuration");
        Assert.Equal($"{authority}/{{tenantid}}/v2.0", (string?)common["issuer"]);
        var discovery = await GetJson("common/discovery/instance?api-version=1.1&authorization_endpoint=" + Uri.EscapeDataString($"{authority}/{_world.TenantId}/oauth2/v2.0/authorize"));
        Assert.Equal(_world.Simulator.BaseAddress.Authority, (string?)discovery["metadata"]![0]!["preferred_network"]);
    }

    [Fact]
    public async Task ClientCredentials_IssueAppOnlyGraphTokenWithRoles()
    {
        var response = await Token(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _world.ClientId,
            ["client_secret"] = TestWorld.Secret,
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var claims = Claims((string)response.Json["access_token"]!);
        Assert.Equal("https://graph.microsoft.com", (string?)claims["aud"]);
        Assert.Equal($"https://sts.windows.net/{_world.TenantId}/", (string?)claims["iss"]);
        Assert.Equal(_world.TenantId, (string?)claims["tid"]);
        Assert.Equal(_world.ClientId, (string?)claims["appid"]);
        Assert.Equal("app", (string?)claims["idtyp"]);
        Assert.NotNull(claims["oid"]);
        Assert.Null(claims["scp"]);
        Assert.Equal(TestWorld.AppPermissions.Order(), claims["roles"]!.AsArray().Select(r => (string)r!).Order());
    }

    [Fact]
    public async Task WrongSecret_IsInvalidClient()
    {
        var response = await Token(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _world.ClientId,
            ["client_secret"] = "wrong",
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_client", (string?)response.Json["error"]);
        Assert.StartsWith("AADSTS7000215", (string?)response.Json["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnBehalfOf_ExchangesTeamsSsoTokenForDelegatedTokenAndRefreshToken()
    {
        var user = _world.UserIds[0];
        var sso = _world.Control.MintTeamsSsoToken(_world.TenantId, user, _world.ClientId);
        var ssoClaims = Claims(sso);
        Assert.Equal(_world.ClientId, (string?)ssoClaims["aud"]);
        Assert.Equal("access_as_user", (string?)ssoClaims["scp"]);
        Assert.Equal("2.0", (string?)ssoClaims["ver"]);

        var response = await Token(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["requested_token_use"] = "on_behalf_of",
            ["assertion"] = sso,
            ["client_id"] = _world.ClientId,
            ["client_secret"] = TestWorld.Secret,
            ["scope"] = "https://graph.microsoft.com/Presence.Read.All offline_access",
            ["client_info"] = "1",
        });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var claims = Claims((string)response.Json["access_token"]!);
        Assert.Equal("Presence.Read.All", (string?)claims["scp"]);
        Assert.Equal(user, (string?)claims["oid"]);
        Assert.Equal("user", (string?)claims["idtyp"]);
        Assert.NotNull(response.Json["id_token"]);
        var clientInfo = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars((string)response.Json["client_info"]!))!;
        Assert.Equal(user, (string?)clientInfo["uid"]);

        var refreshed = await Token(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = (string)response.Json["refresh_token"]!,
            ["client_id"] = _world.ClientId,
            ["client_secret"] = TestWorld.Secret,
        });
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal("Presence.Read.All", (string?)Claims((string)refreshed.Json["access_token"]!)["scp"]);
    }

    [Fact]
    public async Task OnBehalfOf_WithTokenForAnotherApp_IsInvalidGrant()
    {
        var sso = _world.Control.MintTeamsSsoToken(_world.TenantId, _world.UserIds[0], _world.OtherClientId);
        var response = await Token(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["requested_token_use"] = "on_behalf_of",
            ["assertion"] = sso,
            ["client_id"] = _world.ClientId,
            ["client_secret"] = TestWorld.Secret,
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_grant", (string?)response.Json["error"]);
    }

    [Fact]
    public async Task GraphCall_WithoutValidToken_Answers401InGraphErrorJson()
    {
        using var none = await _world.SendAsync(HttpMethod.Get, "v1.0/users", null);
        await Subscriptions.SubscriptionRulesTests.AssertGraphError(none, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "empty");

        var sso = _world.Control.MintTeamsSsoToken(_world.TenantId, _world.UserIds[0], _world.ClientId);
        using var wrongAudience = await _world.SendAsync(HttpMethod.Get, "v1.0/users", sso);
        await Subscriptions.SubscriptionRulesTests.AssertGraphError(wrongAudience, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "audience");

        var token = _world.AppToken();
        // Change one character inside the signature: its last character carries padding bits a strict decoder checks.
        var at = token.LastIndexOf('.') + 10;
        var tampered = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];
        using var badSignature = await _world.SendAsync(HttpMethod.Get, "v1.0/users", tampered);
        await Subscriptions.SubscriptionRulesTests.AssertGraphError(badSignature, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Signature");

        _world.Control.AdvanceClock(TimeSpan.FromHours(2));
        using var expired = await _world.SendAsync(HttpMethod.Get, "v1.0/users", token);
        await Subscriptions.SubscriptionRulesTests.AssertGraphError(expired, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "expired");
    }

    [Fact]
    public async Task GraphCall_WithoutPermission_Answers403()
    {
        using var response = await _world.SendAsync(HttpMethod.Get, "v1.0/users", _world.Control.MintAppGraphToken(_world.TenantId, _world.OtherClientId));
        await Subscriptions.SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.Forbidden, "Authorization_RequestDenied", "privileges");
    }

    [Fact]
    public async Task UnknownGraphSegment_AnswersGraphErrorJson()
    {
        using var response = await _world.SendAsync(HttpMethod.Get, "v1.0/users/x/nonsense", _world.AppToken());
        await Subscriptions.SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.BadRequest, "BadRequest", "nonsense");
    }

    [Fact]
    public async Task TokenEndpoint_AnswersGetWithEntrasError_AndWithTheUnavailableKnob503UntilItIsCleared()
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _world.ClientId,
            ["client_secret"] = TestWorld.Secret,
            ["scope"] = "https://graph.microsoft.com/.default",
        };
        var path = new Uri($"{_world.TenantId}/oauth2/v2.0/token", UriKind.Relative);
        using (var get = await _world.Http.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
            Assert.StartsWith("AADSTS900561", (string?)(await TestWorld.JsonAsync(get))["error_description"], StringComparison.Ordinal);
        }

        _world.Control.ConfigureFaults(f => f with { TokenEndpointUnavailable = true });
        using (var content = new FormUrlEncodedContent(form))
        using (var post = await _world.Http.PostAsync(path, content))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        }

        using (var get = await _world.Http.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        }

        _world.Control.ConfigureFaults(f => f with { TokenEndpointUnavailable = false });
        var (status, json) = await Token(form);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull((string?)json["access_token"]);
    }

    private async Task<JsonObject> GetJson(string path)
    {
        using var response = await _world.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestWorld.JsonAsync(response);
    }

    private async Task<(HttpStatusCode Status, JsonObject Json)> Token(Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await _world.Http.PostAsync(new Uri($"{_world.TenantId}/oauth2/v2.0/token", UriKind.Relative), content);
        return (response.StatusCode, await TestWorld.JsonAsync(response));
    }

    private static JsonObject Claims(string jwt) =>
        (JsonObject)JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;
}
