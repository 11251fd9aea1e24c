using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Access;

/// <summary>
/// Only the organizations the operator lists in <c>Organizations:Allowed</c> are served: a valid token, connector
/// key or notification of any other tenant is refused wherever it enters, with one clear answer.
/// </summary>
public sealed class OrganizationAdmissionTests
{
    private const string ConnectorSecret = "stranger-connector-secret";

    /// <summary>Every endpoint a Teams user reaches with an SSO token: consent, the personal tab, data-subject rights.</summary>
    public static TheoryData<string, string> TeamsUserEndpoints => new()
    {
        { "POST", "/api/consent" },
        { "DELETE", "/api/consent" },
        { "GET", "/api/me" },
        { "PUT", "/api/me/privacy" },
        { "GET", "/api/me/export" },
        { "GET", "/api/me/contacts" },
        { "DELETE", "/api/me" },
    };

    [Theory]
    [MemberData(nameof(TeamsUserEndpoints))]
    public async Task TeamsSsoToken_OfAnOrganizationNotServed_IsRefusedWithOneSentence(string method, string path)
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        var (stranger, strangerUser) = AddStranger(world);
        var token = world.Control.MintTeamsSsoToken(stranger.ToString(), strangerUser, world.ClientId);

        using var refused = await SendAsync(world, method, path, token);
        using var served = await SendAsync(world, "GET", "/api/me", world.Control.MintTeamsSsoToken(world.Organization.ToString(), world.UserIds[0], world.ClientId));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"Organization {stranger} is not served by this PresenceHub (Organizations:Allowed).", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var consents = world.Gateway.Services.GetRequiredService<IConsentStore>();
        Assert.DoesNotContain(stranger, await consents.OrganizationsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConnectorKey_OfAnOrganizationNoLongerServed_IsPermissionDenied()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 1);
        var (stranger, _) = AddStranger(world);
        // A key issued while the stranger was served, kept in the store after the operator stopped serving it.
        var (key, id, hash) = ConnectorKeys.Create();
        await world.Gateway.Services.GetRequiredService<IConnectorKeyStore>()
            .AddAsync(new ConnectorKeyRecord(id, stranger, "left over", null, hash, world.Control.Now), CancellationToken.None);
        var servedKey = await world.IssueConnectorKeyAsync();

        await using var refused = ConnectorApiTests.Connect(world, key, "stranger-1", "xmpp", new RecordingHandler());
        var error = await Assert.ThrowsAsync<RpcException>(() => refused.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
        await using var served = ConnectorApiTests.Connect(world, servedKey, "served-1", "xmpp", new RecordingHandler());

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(AdmittedOrganizations.RefusalFor(stranger), error.Status.Detail);
        Assert.Single(await served.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
    }

    [Fact]
    public async Task ConnectorAppToken_OfAnOrganizationNotServed_IsPermissionDenied()
    {
        var connectorApp = Guid.NewGuid().ToString();
        await using var world = await ConnectorApiTests.StartAsync(users: 1, settings: new Dictionary<string, string?>
        {
            ["Connectors:EntraClientIds:0"] = connectorApp,
        });
        var (stranger, _) = AddStranger(world);
        world.Control.AddApp(stranger.ToString(), new SimulatedApp { DisplayName = "Stranger's connector", ClientSecret = ConnectorSecret, ClientId = connectorApp });
        world.Control.AddApp(world.Organization.ToString(), new SimulatedApp { DisplayName = "Connector", ClientSecret = ConnectorSecret, ClientId = connectorApp });

        await using var refused = ConnectorApiTests.Connect(world, await AppTokenAsync(world, stranger, connectorApp), "stranger-1", "xmpp", new RecordingHandler());
        var error = await Assert.ThrowsAsync<RpcException>(() => refused.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
        await using var served = ConnectorApiTests.Connect(world, await AppTokenAsync(world, world.Organization, connectorApp), "served-1", "xmpp", new RecordingHandler());

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(AdmittedOrganizations.RefusalFor(stranger), error.Status.Detail);
        Assert.Single(await served.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
    }

    [Fact]
    public async Task ChangeAndLifecycleNotifications_OfAnOrganizationNotServed_AreDroppedAndCounted()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        var (stranger, strangerUser) = AddStranger(world);
        // A subscription kept from before the operator stopped serving the stranger.
        var subscription = new GraphSubscription(Guid.NewGuid().ToString("D"), stranger, GraphSubscriptionKind.Presence,
            $"/communications/presences?$filter=id in ('{strangerUser}')", "stranger-client-state", strangerUser, [strangerUser],
            world.Control.Now.AddHours(1));
        await world.Subscriptions.SaveAsync(subscription, CancellationToken.None);
        var events = world.Metrics.Events;

        using var change = await PostAsync(world, GraphWebhookEndpoints.NotificationsPath, subscription, stranger, lifecycleEvent: null);
        Assert.Equal(HttpStatusCode.Accepted, change.StatusCode);
        Assert.Equal(1, world.Metrics.Rejected("organization-not-admitted"));
        Assert.Equal(events, world.Metrics.Events);

        using var lifecycle = await PostAsync(world, GraphWebhookEndpoints.LifecyclePath, subscription, stranger, lifecycleEvent: "reauthorizationRequired");
        Assert.Equal(HttpStatusCode.Accepted, lifecycle.StatusCode);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        Assert.Equal(2, world.Metrics.Rejected("organization-not-admitted"));
        Assert.Equal(0, world.Metrics.Rejected("lifecycle-forged"));
    }

    [Fact]
    public async Task Keeper_LeavesAnOrganizationNotServedAlone()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        var (stranger, strangerUser) = AddStranger(world);
        await world.SignInAsync(world.UserIds[0]);
        // Consents kept from before the operator stopped serving the stranger.
        await world.Gateway.Services.GetRequiredService<IConsentStore>()
            .GrantAsync(new Consent(stranger, strangerUser, ConsentSource.AdminAssigned, world.Control.Now), CancellationToken.None);

        await world.Keeper.RunPassAsync(CancellationToken.None);
        await world.Keeper.RunPassAsync(CancellationToken.None);

        Assert.NotEmpty(await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None));
        Assert.Empty(await world.Subscriptions.ListAsync(stranger, CancellationToken.None));
    }

    [Fact]
    public async Task Start_WithoutTheSetting_FailsNamingBothSettings()
    {
        // Everything else is configured and valid: only the organizations are missing.
        var directory = System.IO.Directory.CreateTempSubdirectory("presencehub-admission-").FullName;
        var certificatePath = Path.Combine(directory, "encryption.pem");
        using (var certificate = GraphIngestWorld.CreateEncryptionCertificate())
        {
            await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = Guid.NewGuid().ToString(),
            ["Graph:ClientSecret"] = "not-used",
            ["Graph:EncryptionCertificates:0:Id"] = "not-used",
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
            ["Graph:NotificationUrl"] = "https://presencehub.contoso.com/graph/notifications",
            ["Graph:LifecycleNotificationUrl"] = "https://presencehub.contoso.com/graph/lifecycle",
        });
        builder.AddPresenceHub();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.True(error.Message.Contains("Organizations:Allowed", StringComparison.Ordinal), error.Message);
        Assert.Contains("Organizations:AllowAny=true", error.Message, StringComparison.Ordinal);
        System.IO.Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("8a0c3f8e-4a4b-4f63-9d43-5f1f1f7e2d10", false, true)]
    [InlineData("contoso.onmicrosoft.com", false, false)]
    [InlineData(null, false, false)]
    public void Options_AdmitAListOfTenantIds_OrEveryTenantDeliberately(string? allowed, bool allowAny, bool valid)
    {
        var options = new OrganizationsOptions { AllowAny = allowAny };
        if (allowed is not null)
        {
            options.Allowed.Add(allowed);
        }

        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.All(results, r => Assert.Contains("Organizations:Allowed", r.ErrorMessage, StringComparison.Ordinal));
    }

    /// <summary>A tenant not in <c>Organizations:Allowed</c> that installed PresenceHub's app, with one user.</summary>
    private static (OrganizationId Organization, string UserId) AddStranger(GraphIngestWorld world)
    {
        var tenant = world.Control.AddTenant(new SimulatedTenant { Domain = "stranger.onmicrosoft.com" });
        world.Control.AddApp(tenant, new SimulatedApp { ClientId = world.ClientId, DisplayName = "PresenceHub" });
        var user = world.Control.CreateUsers(tenant, 1, "stranger")[0];
        return (OrganizationId.Parse(tenant), user);
    }

    private static async Task<HttpResponseMessage> SendAsync(GraphIngestWorld world, string method, string path, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method is "PUT")
        {
            request.Content = JsonContent.Create(new { paused = true });
        }

        return await world.GatewayHttp.SendAsync(request);
    }

    /// <summary>A notification as Graph would send it for <paramref name="subscription"/>, naming its tenant.</summary>
    private static async Task<HttpResponseMessage> PostAsync(
        GraphIngestWorld world, string path, GraphSubscription subscription, OrganizationId tenant, string? lifecycleEvent)
    {
        var item = new Dictionary<string, object?>
        {
            ["subscriptionId"] = subscription.Id,
            ["clientState"] = subscription.ClientState,
            ["tenantId"] = tenant.ToString(),
            ["subscriptionExpirationDateTime"] = subscription.ExpiresAt,
        };
        if (lifecycleEvent is null)
        {
            item["changeType"] = "updated";
            item["resource"] = $"communications/presences('{subscription.UserIds[0]}')";
            item["resourceData"] = new Dictionary<string, object?> { ["@odata.type"] = "#Microsoft.Graph.presence", ["id"] = subscription.UserIds[0] };
        }
        else
        {
            item["lifecycleEvent"] = lifecycleEvent;
        }

        return await world.GatewayHttp.PostAsJsonAsync(path.TrimStart('/'), new { value = new[] { item } });
    }

    private static async Task<string> AppTokenAsync(GraphIngestWorld world, OrganizationId tenant, string clientId)
    {
        using var http = world.Simulator.CreateHttpClient();
        using var response = await http.PostAsync(new Uri(world.Simulator.AuthorityHost, $"{tenant}/oauth2/v2.0/token"), new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = ConnectorSecret,
                ["scope"] = $"api://{world.ClientId}/.default",
            }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {body}");
        return body.GetProperty("access_token").GetString()!;
    }
}
