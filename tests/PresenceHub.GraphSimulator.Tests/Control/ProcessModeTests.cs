using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Control;

/// <summary>The process-mode composition (Program.cs): options from configuration, validated at start, seeded registry, CA file.</summary>
public sealed class ProcessModeTests
{
    private const string TenantId = "11111111-1111-1111-1111-111111111111";
    private const string ClientId = "22222222-2222-2222-2222-222222222222";

    [Fact]
    public async Task Configuration_SeedsTenantsAndWritesReusableCa()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("graphsim-process-").FullName;
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["urls"] = "https://127.0.0.1:0",
                ["GraphSimulator:CaCertificatePath"] = Path.Combine(folder, "ca.pem"),
                ["GraphSimulator:CaKeyPath"] = Path.Combine(folder, "ca.key"),
                ["GraphSimulator:Tenants:0:Id"] = TenantId,
                ["GraphSimulator:Tenants:0:Apps:0:ClientId"] = ClientId,
                ["GraphSimulator:Tenants:0:Apps:0:ClientSecret"] = "demo",
                ["GraphSimulator:Tenants:0:Apps:0:ApplicationPermissions:0"] = "User.Read.All",
                ["GraphSimulator:Tenants:0:Users:0:DisplayName"] = "Adele Vance",
            };

            await using (var first = await StartAsync(settings))
            {
                using var http = Trusting(first, Path.Combine(folder, "ca.pem"));
                using var token = await http.PostAsync(new Uri($"{TenantId}/oauth2/v2.0/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = ClientId,
                    ["client_secret"] = "demo",
                    ["scope"] = "https://graph.microsoft.com/.default",
                }));
                Assert.Equal(HttpStatusCode.OK, token.StatusCode);
                using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/users");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)(await TestWorld.JsonAsync(token))["access_token"]!);
                using var users = await http.SendAsync(request);
                var user = (await TestWorld.JsonAsync(users))["value"]!.AsArray().Single()!;
                Assert.Equal("Adele Vance", (string?)user["displayName"]);
            }

            var pem = await File.ReadAllTextAsync(Path.Combine(folder, "ca.pem"));
            await using (var second = await StartAsync(settings))
            {
                Assert.Equal(pem, await File.ReadAllTextAsync(Path.Combine(folder, "ca.pem")));
                using var http = Trusting(second, Path.Combine(folder, "ca.pem"));
                using var metadata = await http.GetAsync(new Uri("common/v2.0/.well-known/openid-configuration", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
            }
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task InvalidOption_FailsAtStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["GraphSimulator:DeliveryTimeout"] = "00:00:00",
        }));
        Assert.Contains("DeliveryTimeout", error.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddGraphSimulator();
        var app = builder.Build();
        app.MapGraphSimulator();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Trusting(WebApplication app, string caPath)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(caPath));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient(handler) { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
    }
}
