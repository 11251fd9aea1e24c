using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.Operations;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.TeamsApp;

namespace PresenceHub.Gateway.Tests.Admin;

/// <summary>
/// The admin surface on its own listener, and the headers and pages a security review looks for: the admin API and
/// console do not exist on the public webhook listener or the connector port, pages send no referrer, API JSON is not
/// cached, HSTS goes out on HTTPS only, and the privacy, terms and about pages the Teams manifest links to are served.
/// </summary>
public sealed class AdminListenerTests
{
    [Fact]
    public async Task AdminApiAndConsole_AnswerOnTheAdminListenerOnly_EvenWithTheDemosLocalSignIn()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1,
            gatewaySettings: new Dictionary<string, string?> { ["AdminConsole:LocalSignIn"] = "true" });
        using var web = new HttpClient { BaseAddress = world.GatewayAddress };
        using var connectors = new HttpClient
        {
            BaseAddress = world.ConnectorAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var admin = new HttpClient { BaseAddress = world.AdminAddress };
        var keys = $"admin/organizations/{world.Organization}/connector-keys";
        var consent = $"admin/organizations/{world.Organization}/consents/{world.UserIds[0]}";

        foreach (var client in new[] { web, connectors })
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, "admin"), (HttpMethod.Get, "admin/console.js"), (HttpMethod.Get, "admin/session"),
                         (HttpMethod.Post, "admin/signin"), (HttpMethod.Get, keys), (HttpMethod.Put, consent), (HttpMethod.Get, "ADMIN/session") })
            {
                using var response = await SendAsync(client, method, path);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} /{path} on {client.BaseAddress} (web {world.GatewayAddress}): {(int)response.StatusCode} {response.Version} {await response.Content.ReadAsStringAsync()}");
            }
        }

        // Nothing was done through the public listeners: the user is still not assigned.
        var consents = world.Gateway.Services.GetRequiredService<IConsentStore>();
        Assert.Empty(await consents.ListAsync(world.Organization, CancellationToken.None));

        using (var page = await admin.GetAsync("admin"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
            Assert.False(page.Headers.Contains("Strict-Transport-Security"), "HSTS went out over plain HTTP");
        }

        using (var assigned = await SendAsync(admin, HttpMethod.Put, consent))
        {
            Assert.True(assigned.IsSuccessStatusCode, $"assigning on the admin listener: {(int)assigned.StatusCode}");
        }

        Assert.Single(await consents.ListAsync(world.Organization, CancellationToken.None));

        using var listed = await SendAsync(admin, HttpMethod.Get, keys);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("application/json", listed.Content.Headers.ContentType?.MediaType);
        Assert.True(listed.Headers.CacheControl?.NoStore, "API JSON may be cached");

        // The public listener keeps what it is for.
        using var live = await web.GetAsync("healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public void WithoutAnAdminEndpoint_TheSurfaceIsOffUnlessTheDemosLocalSignInIsOn()
    {
        var context = new DefaultHttpContext();
        context.Connection.LocalPort = 8080;

        var off = new AdminListener(Options.Create(new AdminConsoleOptions { LocalSignIn = false }));
        Assert.False(off.IsConfigured);
        Assert.False(off.ServedEverywhere);
        Assert.False(off.Admits(context));

        var demo = new AdminListener(Options.Create(new AdminConsoleOptions { LocalSignIn = true }));
        Assert.True(demo.ServedEverywhere);
        Assert.True(demo.Admits(context));
    }

    [Fact]
    public async Task PrivacyTermsAndAbout_AreServedOnThePublicListener_WhereTheManifestLinks()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        using var web = new HttpClient { BaseAddress = world.GatewayAddress };
        var manifest = TeamsAppPackage.Manifest(new TeamsAppOptions { PublicBaseUrl = world.GatewayAddress }, Guid.Parse(world.ClientId));
        var developer = manifest["developer"]!;
        var expected = new Dictionary<string, string>
        {
            ["privacyUrl"] = "no message content",
            ["termsOfUseUrl"] = "terms of use",
            ["websiteUrl"] = "About PresenceHub",
        };
        foreach (var (link, text) in expected)
        {
            var url = new Uri(developer[link]!.GetValue<string>());
            Assert.Equal(world.GatewayAddress.Authority, url.Authority);
            using var response = await web.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        var privacy = await web.GetStringAsync("privacy");
        Assert.Contains("export", privacy, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("erase", privacy, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("pause", privacy, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AdminConsent_ReturnsTheAdministratorToAPublicPage_NotToTheConsole()
    {
        var link = GraphApi.AdminConsentLink.Build(new GraphApi.GraphOptions { ClientId = Guid.NewGuid() }, "contoso.onmicrosoft.com", new Uri("https://presencehub.contoso.com/"));

        Assert.Contains("&redirect_uri=https%3A%2F%2Fpresencehub.contoso.com%2Fabout", link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    public async Task Hsts_GoesOutOnHttpsOnly_AndOnlyWhenOn(bool hsts, bool https, bool expected)
    {
        using var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (https)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Services.Configure<HttpSecurityOptions>(o => o.Hsts = hsts);
        await using var app = builder.Build();
        app.UseHttpSecurityHeaders();
        app.MapGet("/json", () => Results.Ok(new { ok = true }));
        app.MapGet("/problem", () => Results.Problem("bad", statusCode: 400));
        app.MapGet("/text", () => Results.Text("plain"));
        await app.StartAsync();
        var address = app.Urls.Single();

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(address) };
        using var json = await client.GetAsync("json");
        Assert.Equal(expected, json.Headers.Contains("Strict-Transport-Security"));
        if (expected)
        {
            Assert.Equal(HttpSecurityHeaders.StrictTransportSecurity, json.Headers.GetValues("Strict-Transport-Security").Single());
        }

        Assert.True(json.Headers.CacheControl?.NoStore, "JSON may be cached");
        using var problem = await client.GetAsync("problem");
        Assert.True(problem.Headers.CacheControl?.NoStore, "problem JSON may be cached");
        using var text = await client.GetAsync("text");
        Assert.Null(text.Headers.CacheControl);
        Assert.Equal("ok", JsonSerializer.Deserialize<JsonElement>(await json.Content.ReadAsStringAsync()).EnumerateObject().Single().Name);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path) { Version = client.DefaultRequestVersion, VersionPolicy = client.DefaultVersionPolicy };
        request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        if (method != HttpMethod.Get)
        {
            request.Content = JsonContent.Create(new { });
        }

        return await client.SendAsync(request);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
