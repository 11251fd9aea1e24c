using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;
using Subscription = Microsoft.Graph.Models.Subscription;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// The Graph simulator, and a gateway on Kestrel with Graph ingest and the relay, wired only by configuration as
/// it would be against Microsoft: authority host, Graph base URL, trusted CA, app credentials.
/// </summary>
internal sealed class GraphIngestWorld : IAsyncDisposable
{
    public const string Secret = "gateway-test-secret";

    private readonly string _directory;
    private string? _redisConfiguration;
    private IReadOnlyDictionary<string, string?>? _gatewaySettings;
    private Action<IServiceCollection>? _configureServices;

    private GraphIngestWorld(GraphSimulator.GraphSimulator simulator, string directory)
    {
        Simulator = simulator;
        _directory = directory;
        GatewayHttp = new HttpClient(new AdminPathsToAdminListener(this));
    }

    public GraphSimulator.GraphSimulator Simulator { get; }

    public SimulatorControl Control => Simulator.Control;

    public WebApplication Gateway { get; private set; } = null!;

    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The admin listener (Kestrel endpoint <c>Admin</c>): the only one the admin API and console answer on.</summary>
    public Uri AdminAddress { get; private set; } = null!;

    /// <summary>The gateway's Graph and admin settings, as configured (more settings come from the test).</summary>
    public Dictionary<string, string?> Settings { get; private set; } = [];

    /// <summary>Where connectors dial in (HTTP/2 without TLS).</summary>
    public Uri ConnectorAddress { get; private set; } = null!;

    public OrganizationId Organization { get; private set; }

    /// <summary>
    /// Two more organizations the gateway serves (<c>Organizations:Allowed</c>), for tests of several tenants: create
    /// them with <see cref="AddPartnerTenant"/>. Any other tenant the simulator holds is one the gateway does not serve.
    /// </summary>
    public IReadOnlyList<OrganizationId> PartnerOrganizations { get; } =
        [new OrganizationId(Guid.NewGuid()), new OrganizationId(Guid.NewGuid())];

    private int _partners;

    /// <summary>Adds the next of <see cref="PartnerOrganizations"/> to the simulator as a tenant; returns its id.</summary>
    public string AddPartnerTenant(string domain) =>
        Control.AddTenant(new SimulatedTenant { Id = PartnerOrganizations[_partners++].ToString(), Domain = domain });

    public string ClientId { get; private set; } = "";

    /// <summary>PresenceHub's Teams app id, in the tenant's app catalog and in its manifest.</summary>
    public string TeamsAppId { get; private set; } = "";

    public IReadOnlyList<string> UserIds { get; private set; } = [];

    public X509Certificate2 EncryptionCertificate { get; private set; } = null!;

    public IPresenceRelay Relay => Gateway.Services.GetRequiredService<IPresenceRelay>();

    public IGraphSubscriptionStore Subscriptions => Gateway.Services.GetRequiredService<IGraphSubscriptionStore>();

    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789";

    public SubscriptionKeeper Keeper => Gateway.Services.GetRequiredService<SubscriptionKeeper>();

    /// <summary>
    /// The gateway as its users and administrators reach it: paths under <c>/admin</c> go to <see cref="AdminAddress"/>
    /// (as an administrator's browser or script would), every other path to <see cref="GatewayAddress"/>.
    /// </summary>
    public HttpClient GatewayHttp { get; }

    /// <summary>Every notification POST the gateway answered (bodies and status codes), oldest first.</summary>
    public WebhookRecorder Webhook { get; } = new();

    /// <summary>The gateway's Graph ingest instruments, read from its own meter factory only.</summary>
    public WebhookMetrics Metrics { get; private set; } = null!;

    /// <param name="users">How many users the tenant has.</param>
    /// <param name="configureSimulator">Changes the simulator's options.</param>
    /// <param name="redisConfiguration">When set, the gateway's relay runs on this redis-server (Relay:Mode=Redis).</param>
    /// <param name="gatewaySettings">More gateway configuration, applied last.</param>
    /// <param name="configureServices">Registers services before the gateway's own, which it then keeps.</param>
    public static async Task<GraphIngestWorld> StartAsync(
        int users = 3,
        Action<GraphSimulatorOptions>? configureSimulator = null,
        string? redisConfiguration = null,
        IReadOnlyDictionary<string, string?>? gatewaySettings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        // MSAL and Azure.Identity judge token expiry by the real clock while the simulator's clock is advanced by
        // hours in tests: tokens outlive the tests so a cached token is never one the simulator considers expired.
        var options = new GraphSimulatorOptions { FreezeClock = true, AccessTokenLifetime = TimeSpan.FromDays(1) };
        configureSimulator?.Invoke(options);
        var simulator = await GraphSimulator.GraphSimulator.StartAsync(options);
        var directory = System.IO.Directory.CreateTempSubdirectory("presencehub-graph-").FullName;
        var world = new GraphIngestWorld(simulator, directory);
        var tenant = world.Control.AddTenant(new SimulatedTenant { Domain = "contoso.onmicrosoft.com" });
        var app = new SimulatedApp { DisplayName = "PresenceHub", ClientSecret = Secret };
        foreach (var permission in new[] { "Presence.Read.All", "Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All" })
        {
            app.ApplicationPermissions.Add(permission);
        }

        world.ClientId = world.Control.AddApp(tenant, app);
        // PresenceHub's Teams app in the tenant's catalog: a Store or uploaded app keeps its manifest id there.
        world.TeamsAppId = TeamsApp.TeamsAppPackage.DeriveAppId(Guid.Parse(world.ClientId)).ToString("D");
        world.Control.AddTeamsApp(tenant, world.TeamsAppId, "PresenceHub", world.TeamsAppId);
        world.Organization = OrganizationId.Parse(tenant);
        world.UserIds = world.Control.CreateUsers(tenant, users);
        world.EncryptionCertificate = CreateEncryptionCertificate();
        await world.StartGatewayAsync(redisConfiguration, gatewaySettings, configureServices);
        return world;
    }

    /// <summary>Creates a presence subscription as its owner would, through the Graph SDK, and records it in the gateway.</summary>
    public async Task<GraphSubscription> SubscribePresenceAsync(string ownerUserId, IReadOnlyList<string> userIds, string? clientState = null)
    {
        clientState ??= Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var token = Control.MintUserGraphToken(Organization.ToString(), ownerUserId, ClientId, "Presence.Read.All");
        using var http = new HttpClient(Simulator.CreateTrustingHandler());
        using var graph = new GraphServiceClient(http,
            new AzureIdentityAuthenticationProvider(new StaticTokenCredential(token), [Simulator.BaseAddress.Host], null, false, GraphAppClients.AppScopes),
            Simulator.GraphBaseUrl);
        var subscription = new Subscription
        {
            ChangeType = "updated",
            NotificationUrl = new Uri(GatewayAddress, GraphWebhookEndpoints.NotificationsPath).ToString(),
            LifecycleNotificationUrl = new Uri(GatewayAddress, GraphWebhookEndpoints.LifecyclePath).ToString(),
            Resource = $"/communications/presences?$filter=id in ({string.Join(",", userIds.Select(u => $"'{u}'"))})",
            ExpirationDateTime = Control.Now.AddMinutes(60),
            ClientState = clientState,
            IncludeResourceData = true,
            EncryptionCertificate = Convert.ToBase64String(EncryptionCertificate.Export(X509ContentType.Cert)),
            EncryptionCertificateId = "current",
        };

        // The gateway must know the subscription before Graph's first notification can arrive.
        var created = await CreateAsync(graph, subscription);
        var record = new GraphSubscription(created.Id!, Organization, GraphSubscriptionKind.Presence, subscription.Resource,
            clientState, ownerUserId, userIds, created.ExpirationDateTime!.Value);
        await Subscriptions.SaveAsync(record, CancellationToken.None);
        return record;
    }

    public async Task<PresenceUpdate?> LastKnownAsync(string userId) =>
        (await Relay.GetLastKnownAsync(Organization, [new PresenceSubject(Platform.Teams, userId)], CancellationToken.None))[0];

    /// <summary>Stops the gateway and starts another on the same port and configuration (on Redis, sharing the old one's state).</summary>
    public async Task RestartGatewayAsync()
    {
        Metrics.Dispose();
        await Gateway.StopAsync();
        await Gateway.DisposeAsync();
        await StartGatewayAsync(_redisConfiguration, _gatewaySettings, _configureServices);
    }

    public async ValueTask DisposeAsync()
    {
        GatewayHttp.Dispose();
        Metrics.Dispose();
        await Gateway.DisposeAsync();
        await Simulator.DisposeAsync();
        EncryptionCertificate.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private static async Task<Subscription> CreateAsync(GraphServiceClient graph, Subscription subscription) =>
        await graph.Subscriptions.PostAsync(subscription) ?? throw new InvalidOperationException("Graph returned no subscription.");

    private async Task StartGatewayAsync(
        string? redisConfiguration, IReadOnlyDictionary<string, string?>? gatewaySettings, Action<IServiceCollection>? configureServices)
    {
        var caPath = Path.Combine(_directory, "simulator-ca.pem");
        await File.WriteAllTextAsync(caPath, Simulator.CertificateAuthorityPem);
        var certificatePath = Path.Combine(_directory, "encryption.pem");
        await File.WriteAllTextAsync(certificatePath,
            EncryptionCertificate.ExportCertificatePem() + "\n" + EncryptionCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        // The key ring's protection is kept across restarts, as a mounted secret would be.
        var keyProtectionPath = Path.Combine(_directory, "key-protection.pem");
        if (!File.Exists(keyProtectionPath))
        {
            State.KeyProtectionCertificate.Write(keyProtectionPath);
        }

        (_redisConfiguration, _gatewaySettings, _configureServices) = (redisConfiguration, gatewaySettings, configureServices);
        // A restarted gateway keeps its addresses, as a restarted process behind the same endpoints would.
        GatewayAddress ??= new Uri($"http://127.0.0.1:{FreePort()}/");
        ConnectorAddress ??= new Uri($"http://127.0.0.1:{FreePort()}/");
        AdminAddress ??= new Uri($"http://127.0.0.1:{FreePort()}/");
        var (port, connectorPort) = (GatewayAddress.Port, ConnectorAddress.Port);
        var builder = WebApplication.CreateBuilder();
        // Webhooks and the admin API over HTTP/1.1; the connector API over HTTP/2 without TLS on its own port.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, port);
            kestrel.Listen(System.Net.IPAddress.Loopback, connectorPort, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });
        builder.Logging.ClearProviders();
        configureServices?.Invoke(builder.Services);
        builder.Services.AddSingleton(Simulator.Clock);
        if (Environment.GetEnvironmentVariable("PRESENCEHUB_TEST_LOGS") == "1") { builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information); }
        Settings = new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = ClientId,
            ["Organizations:Allowed:0"] = Organization.ToString(),
            ["Organizations:Allowed:1"] = PartnerOrganizations[0].ToString(),
            ["Organizations:Allowed:2"] = PartnerOrganizations[1].ToString(),
            ["Graph:ClientSecret"] = Secret,
            ["Graph:AuthorityHost"] = Simulator.AuthorityHost.ToString(),
            ["Graph:BaseUrl"] = Simulator.GraphBaseUrl,
            ["Graph:ValidationTokenMetadataUrl"] = Simulator.WellKnownUri().ToString(),
            ["Graph:TrustedCaCertificatePath"] = caPath,
            ["Graph:EncryptionCertificates:0:Id"] = "current",
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
            ["Graph:NotificationUrl"] = new Uri(GatewayAddress, GraphWebhookEndpoints.NotificationsPath).ToString(),
            ["Graph:LifecycleNotificationUrl"] = new Uri(GatewayAddress, GraphWebhookEndpoints.LifecyclePath).ToString(),
            ["Admin:Key"] = AdminKey,
            ["DataProtection:Certificates:0:Path"] = keyProtectionPath,
            ["Kestrel:Endpoints:Admin:Url"] = AdminAddress.ToString(),
        };
        builder.Configuration.AddInMemoryCollection(Settings);
        if (redisConfiguration is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Relay:Mode"] = "Redis",
                ["Relay:RedisConfiguration"] = redisConfiguration,
            });
        }

        if (gatewaySettings is not null)
        {
            builder.Configuration.AddInMemoryCollection(gatewaySettings);
        }

        builder.AddPresenceHub();
        var app = builder.Build();
        Metrics = new WebhookMetrics(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        app.Use(Webhook.RecordAsync);
        app.MapPresenceHub();
        await app.StartAsync();
        Gateway = app;
        GatewayHttp.BaseAddress ??= GatewayAddress;
    }

    /// <summary>
    /// The user installs the Teams app (unless they have) and signs in to it: its SSO token goes to the gateway, which
    /// starts their owner session.
    /// </summary>
    public async Task SignInAsync(string userId)
    {
        Control.InstallApp(userId, TeamsAppId);
        var sso = Control.MintTeamsSsoToken(Organization.ToString(), userId, ClientId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/consent");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sso);
        using var response = await GatewayHttp.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"consent failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Deletes a subscription in Graph behind the gateway's back, as its owner.</summary>
    public async Task DeleteInGraphAsync(string subscriptionId, string ownerUserId)
    {
        using var http = Simulator.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"v1.0/subscriptions/{subscriptionId}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", Control.MintUserGraphToken(Organization.ToString(), ownerUserId, ClientId));
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"delete failed: {(int)response.StatusCode}");
    }

    /// <summary>An administrator issues a connector key through the admin API; returns the key.</summary>
    public async Task<string> IssueConnectorKeyAsync(string name = "test-connector", string? platform = null, OrganizationId? organization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/organizations/{organization ?? Organization}/connector-keys")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { name, platform }),
        };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await GatewayHttp.SendAsync(request);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"issuing a key failed: {(int)response.StatusCode}");
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        return body.GetProperty("key").GetString()!;
    }

    /// <summary>An administrator links a platform user to a Teams user.</summary>
    public async Task LinkIdentityAsync(string platform, string platformUserId, string teamsUserId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"admin/organizations/{Organization}/identity-links/{platform}/{Uri.EscapeDataString(platformUserId)}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { teamsUserId }),
        };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await GatewayHttp.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"linking failed: {(int)response.StatusCode}");
    }

    /// <summary>An administrator assigns the user to federation.</summary>
    public async Task AssignAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"admin/organizations/{Organization}/consents/{userId}");
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await GatewayHttp.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"assign failed: {(int)response.StatusCode}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static X509Certificate2 CreateEncryptionCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PresenceHub notifications", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Sends paths under <c>/admin</c> to the admin listener's port.</summary>
    private sealed class AdminPathsToAdminListener(GraphIngestWorld world) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && world.AdminAddress is { } admin && uri.Port == world.GatewayAddress.Port
                && (uri.AbsolutePath == "/admin" || uri.AbsolutePath.StartsWith("/admin/", StringComparison.Ordinal)))
            {
                request.RequestUri = new UriBuilder(uri) { Port = admin.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
