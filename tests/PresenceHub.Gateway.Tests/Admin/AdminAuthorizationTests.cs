using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Admin;

/// <summary>
/// The admin API's one authorization check, on every admin endpoint: an organization's administrator (an Entra token
/// carrying the app role) acts on their own organization only; the operator's key acts on all; nobody else on any.
/// </summary>
public sealed class AdminAuthorizationTests(AdminWorldFixture fixture) : IClassFixture<AdminWorldFixture>
{
    private const string OrganizationPlaceholder = "{organization}";

    /// <summary>Every admin endpoint of an organization, with its other route values filled in.</summary>
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "PUT", "/admin/organizations/{organization}/consents/{userId}" },
        { "DELETE", "/admin/organizations/{organization}/consents/{userId}" },
        { "POST", "/admin/organizations/{organization}/connector-keys" },
        { "GET", "/admin/organizations/{organization}/connector-keys" },
        { "DELETE", "/admin/organizations/{organization}/connector-keys/{keyId}" },
        { "PUT", "/admin/organizations/{organization}/identity-links/{platform}/{platformUserId}" },
        { "DELETE", "/admin/organizations/{organization}/identity-links/{platform}/{platformUserId}" },
        { "GET", "/admin/organizations/{organization}/metadata-log/" },
        { "GET", "/admin/organizations/{organization}/metadata-log/export" },
        { "GET", "/admin/organizations/{organization}/overview" },
        { "GET", "/admin/organizations/{organization}/users/{userId}/privacy" },
        { "PUT", "/admin/organizations/{organization}/users/{userId}/privacy" },
        { "GET", "/admin/organizations/{organization}/users/{userId}/export" },
        { "GET", "/admin/organizations/{organization}/federation-policy" },
        { "PUT", "/admin/organizations/{organization}/federation-policy" },
        { "DELETE", "/admin/organizations/{organization}/users/{userId}" },
        { "PUT", "/admin/organizations/{organization}/retention-hold" },
        { "DELETE", "/admin/organizations/{organization}/retention-hold" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminTokenOfOrganizationA_IsRefusedOnOrganizationB(string method, string route)
    {
        using var response = await SendAsync(method, route, fixture.OrganizationB, bearer: fixture.AdminTokenOfA);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminTokenOfOrganizationA_IsAcceptedOnOrganizationA(string method, string route)
    {
        using var response = await SendAsync(method, route, fixture.OrganizationA, bearer: fixture.AdminTokenOfA);

        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound,
            $"{method} {route} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminTokenOfAnOrganizationNotServed_IsRefusedOnItsOwnOrganization(string method, string route)
    {
        using var response = await SendAsync(method, route, fixture.StrangerOrganization, bearer: fixture.AdminTokenOfStranger);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"Organization {fixture.StrangerOrganization} is not served", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task OperatorKey_OnAnOrganizationNotServed_AnswersNotFound(string method, string route)
    {
        using var response = await SendAsync(method, route, fixture.StrangerOrganization, adminKey: Graph.GraphIngestWorld.AdminKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("is not served by this PresenceHub", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAdminEndpointOfAnOrganization_IsInTheList()
    {
        var listed = AdminEndpoints.Select(row => $"{row[0]} {row[1]}").ToHashSet(StringComparer.Ordinal);
        var mapped = ((IEndpointRouteBuilder)fixture.World.Gateway).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin/organizations/" + OrganizationPlaceholder, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToList();

        Assert.NotEmpty(mapped);
        Assert.All(mapped, endpoint => Assert.Contains(endpoint, listed));
    }

    [Fact]
    public async Task TokenWithoutTheAdminRole_IsRefused_EvenOnItsOwnOrganization()
    {
        using var response = await SendAsync("GET", "/admin/organizations/{organization}/overview", fixture.OrganizationA, bearer: fixture.UserTokenOfA);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task NoCredentials_AndAForgedToken_AreUnauthorized()
    {
        using var anonymous = await SendAsync("GET", "/admin/organizations/{organization}/overview", fixture.OrganizationA);
        var forged = fixture.AdminTokenOfA[..^8] + (fixture.AdminTokenOfA.EndsWith("AAAAAAAA", StringComparison.Ordinal) ? "BBBBBBBB" : "AAAAAAAA");
        using var tampered = await SendAsync("GET", "/admin/organizations/{organization}/overview", fixture.OrganizationA, bearer: forged);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
    }

    [Fact]
    public async Task OperatorKey_AdministersEveryOrganizationServed()
    {
        foreach (var organization in new[] { fixture.OrganizationA, fixture.OrganizationB })
        {
            using var response = await SendAsync("GET", "/admin/organizations/{organization}/overview", organization, adminKey: Graph.GraphIngestWorld.AdminKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Session_OfAnOrganizationAdministrator_NamesOnlyTheirOrganization()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminTokenOfB);
        using var response = await fixture.World.GatewayHttp.SendAsync(request);
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(session.GetProperty("signedIn").GetBoolean());
        Assert.False(session.GetProperty("operator").GetBoolean());
        Assert.Equal<string?>([fixture.OrganizationB.ToString()], session.GetProperty("organizations").EnumerateArray().Select(o => o.GetString()).ToList());
    }

    [Fact]
    public async Task LocalSignIn_WithTheAdminKey_GivesACookieThatReadsButCannotWriteWithoutTheConsoleHeader()
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = fixture.World.AdminAddress };
        using var wrong = await SignInAsync(browser, new string('x', 40));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var refusedOverview = await browser.GetAsync($"admin/organizations/{fixture.OrganizationA}/overview");
        Assert.Equal(HttpStatusCode.Unauthorized, refusedOverview.StatusCode);

        using var signedIn = await SignInAsync(browser, Graph.GraphIngestWorld.AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        using var overview = await browser.GetAsync($"admin/organizations/{fixture.OrganizationB}/overview");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);

        // A cross-site form could send the cookie, never the header.
        using var write = await browser.PutAsync($"admin/organizations/{fixture.OrganizationA}/consents/{Guid.NewGuid()}", null);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        using var consoleWrite = new HttpRequestMessage(HttpMethod.Put, $"admin/organizations/{fixture.OrganizationA}/consents/{Guid.NewGuid()}");
        consoleWrite.Headers.Add("X-PresenceHub-Console", "1");
        using var written = await browser.SendAsync(consoleWrite);
        Assert.Equal(HttpStatusCode.NoContent, written.StatusCode);
    }

    [Fact]
    public async Task LocalSignIn_IsOff_WithoutTheDemoSetting()
    {
        await using var world = await Graph.GraphIngestWorld.StartAsync(users: 1);
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Graph.GraphIngestWorld.AdminKey }),
        };
        request.Headers.Add("X-PresenceHub-Console", "1");
        using var response = await world.GatewayHttp.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }),
        };
        request.Headers.Add("X-PresenceHub-Console", "1");
        return await browser.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string route, OrganizationId organization, string? bearer = null, string? adminKey = null)
    {
        var path = route.Replace(OrganizationPlaceholder, organization.ToString(), StringComparison.Ordinal)
            .Replace("{userId}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{keyId}", "phk-missing", StringComparison.Ordinal)
            .Replace("{platform}", "xmpp", StringComparison.Ordinal)
            .Replace("{platformUserId}", "someone@chat.example", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (method is "POST" or "PUT")
        {
            request.Content = route switch
            {
                _ when route.EndsWith("/privacy", StringComparison.Ordinal) => JsonContent.Create(new { paused = false }),
                _ when route.EndsWith("/federation-policy", StringComparison.Ordinal) => JsonContent.Create(new { platforms = (string[]?)null, domains = (string[]?)null }),
                _ => JsonContent.Create(new { name = "authorization-test", teamsUserId = fixture.World.UserIds[1] }),
            };
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        return await fixture.World.GatewayHttp.SendAsync(request);
    }
}
