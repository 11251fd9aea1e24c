using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;
using Subscription = Microsoft.Graph.Models.Subscription;
using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.Graph.Subscriptions;
using PresenceHub.Gateway.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// The Graph simulator, and a gateway on Kestrel with Graph ingest and the relay, wired only by configuration as
/// it would be against Microsoft: authority host, Graph base URL, trusted CA, app credentials.
/// </summary>
internal sealed class GraphIngestWorld : IAsyncDisposable
{
    public const string Secret = "gateway-test-secret";

    private readonly string _directory;

    private GraphIngestWorld(GraphSimulator.GraphSimulator simulator, string directory)
    {
        Simulator = simulator;
        _directory = directory;
    }

    public GraphSimulator.GraphSimulator Simulator { get; }

    public SimulatorControl Control => Simulator.Control;

    public WebApplication Gateway { get; private set; } = null!;

    public Uri GatewayAddress { get; private set; } = null!;

    public OrganizationId Organization { get; private set; }

    public string ClientId { get; private set; } = "";

    public IReadOnlyList<string> UserIds { get; private set; } = [];

    public X509Certificate2 EncryptionCertificate { get; private set; } = null!;

    public IPresenceRelay Relay => Gateway.Services.GetRequiredService<IPresenceRelay>();

    public IGraphSubscriptionStore Subscriptions => Gateway.Services.GetRequiredService<IGraphSubscriptionStore>();

    public static async Task<GraphIngestWorld> StartAsync(int users = 3, Action<GraphSimulatorOptions>? configureSimulator = null)
    {
        var options = new GraphSimulatorOptions { FreezeClock = true };
        configureSimulator?.Invoke(options);
        var simulator = await GraphSimulator.GraphSimulator.StartAsync(options);
        var directory = Directory.CreateTempSubdirectory("presencehub-graph-").FullName;
        var world = new GraphIngestWorld(simulator, directory);
        var tenant = world.Control.AddTenant(new SimulatedTenant { Domain = "contoso.onmicrosoft.com" });
        var app = new SimulatedApp { DisplayName = "PresenceHub", ClientSecret = Secret };
        foreach (var permission in new[] { "Presence.Read.All", "Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All" })
        {
            app.ApplicationPermissions.Add(permission);
        }

        world.ClientId = world.Control.AddApp(tenant, app);
        world.Organization = OrganizationId.Parse(tenant);
        world.UserIds = world.Control.CreateUsers(tenant, users);
        world.EncryptionCertificate = CreateEncryptionCertificate();
        await world.StartGatewayAsync();
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

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Simulator.DisposeAsync();
        EncryptionCertificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<Subscription> CreateAsync(GraphServiceClient graph, Subscription subscription) =>
        await graph.Subscriptions.PostAsync(subscription) ?? throw new InvalidOperationException("Graph returned no subscription.");

    private async Task StartGatewayAsync()
    {
        var caPath = Path.Combine(_directory, "simulator-ca.pem");
        await File.WriteAllTextAsync(caPath, Simulator.CertificateAuthorityPem);
        var certificatePath = Path.Combine(_directory, "encryption.pem");
        await File.WriteAllTextAsync(certificatePath,
            EncryptionCertificate.ExportCertificatePem() + "\n" + EncryptionCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = ClientId,
            ["Graph:ClientSecret"] = Secret,
            ["Graph:AuthorityHost"] = Simulator.AuthorityHost.ToString(),
            ["Graph:BaseUrl"] = Simulator.GraphBaseUrl,
            ["Graph:ValidationTokenMetadataUrl"] = Simulator.WellKnownUri().ToString(),
            ["Graph:TrustedCaCertificatePath"] = caPath,
            ["Graph:EncryptionCertificates:0:Id"] = "current",
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
        });
        builder.AddPresenceRelay();
        builder.AddGraphIngest();
        var app = builder.Build();
        app.MapGraphWebhooks();
        await app.StartAsync();
        Gateway = app;
        GatewayAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private static X509Certificate2 CreateEncryptionCertificate()
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
}
