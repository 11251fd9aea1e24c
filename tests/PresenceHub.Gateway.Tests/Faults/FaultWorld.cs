using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.Tests.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// The whole system with real processes to kill: the Graph simulator (in the test process, on the real clock, retrying
/// failed deliveries as Graph does), one <c>redis-server</c> with <c>appendonly yes appendfsync always</c>, two gateway
/// replicas as separate processes sharing it, a <see cref="LoopbackForwarder"/> in front of each of their two
/// listeners (Graph's notification URL and the connectors' hub address point there, as at a load balancer), and
/// connectors on the SDK as separate processes with durable file cursors.
/// </summary>
internal sealed class FaultWorld : IAsyncDisposable
{
    public const string AdminKey = "fault-suite-admin-key-0123456789abcdef0123";
    private const string Secret = "fault-suite-secret";
    private const string AuditConnectorId = "fault-audit";

    private readonly string _directory;
    private readonly List<ConnectorWorkerProcess> _connectors = [];
    private readonly HttpClient _admin;

    private FaultWorld(GraphSimulator.GraphSimulator simulator, RedisServer redis, string directory)
    {
        Simulator = simulator;
        Redis = redis;
        _directory = directory;
        Replicas = [new GatewayReplica("A"), new GatewayReplica("B")];
        Webhooks = LoopbackForwarder.Start(Replicas[0].WebPort, Replicas[1].WebPort);
        ConnectorHub = LoopbackForwarder.Start(Replicas[0].ConnectorPort, Replicas[1].ConnectorPort);
        AdminApi = LoopbackForwarder.Start(Replicas[0].AdminPort, Replicas[1].AdminPort);
        // Generous: on a loaded 2-core machine a fresh replica's first sign-in (token validation, on-behalf-of
        // exchange, token cache in Redis) has taken over 40 s.
        _admin = new HttpClient { BaseAddress = AdminApi.Address, Timeout = TimeSpan.FromSeconds(120) };
    }

    public GraphSimulator.GraphSimulator Simulator { get; }

    public SimulatorControl Control => Simulator.Control;

    public RedisServer Redis { get; }

    public IReadOnlyList<GatewayReplica> Replicas { get; }

    /// <summary>Graph's notification URL goes through this, to either replica.</summary>
    public LoopbackForwarder Webhooks { get; }

    /// <summary>The admin API, on the replicas' admin listeners, to either replica.</summary>
    public LoopbackForwarder AdminApi { get; }

    /// <summary>The connectors' hub address, to either replica.</summary>
    public LoopbackForwarder ConnectorHub { get; }

    public OrganizationId Organization { get; private set; }

    public IReadOnlyList<string> UserIds { get; private set; } = [];

    public string ConnectorKey { get; private set; } = "";

    /// <summary>Where connectors keep their cursor files.</summary>
    public string CursorDirectory => Path.Combine(_directory, "cursors");

    /// <param name="users">How many users consent to federation.</param>
    /// <param name="gatewaySettings">More gateway settings (<c>Section:Key</c>), applied to both replicas.</param>
    public static async Task<FaultWorld> StartAsync(int users, IReadOnlyDictionary<string, string>? gatewaySettings = null)
    {
        // Graph retries a failed delivery after a minute, then doubling; sooner here, so a POST that a dying replica
        // never answered comes again within the test.
        var simulator = await GraphSimulator.GraphSimulator.StartAsync(new GraphSimulatorOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(250) });
        RedisServer? redis = null;
        FaultWorld? world = null;
        try
        {
            redis = await RedisServer.StartAsync(appendOnly: true);
            world = new FaultWorld(simulator, redis, Directory.CreateTempSubdirectory("presencehub-faults-").FullName);
            try
            {
                await world.SetUpAsync(users, gatewaySettings ?? new Dictionary<string, string>());
            }
            catch (Exception e) when (e is not InvalidOperationException)
            {
                throw new InvalidOperationException("Setting up the fault world failed:\n" + world.Transcripts(), e);
            }

            return world;
        }
        catch
        {
            if (world is not null)
            {
                await world.DisposeAsync();
            }
            else
            {
                await simulator.DisposeAsync();
                if (redis is not null)
                {
                    await redis.DisposeAsync();
                }
            }

            throw;
        }
    }

    /// <summary>Starts a connector process (connector id, platform xmpp) dialling the hub through the forwarder.</summary>
    public ConnectorWorkerProcess StartConnector(string connectorId)
    {
        var connector = ConnectorWorkerProcess.Start(ConnectorHub.Address, ConnectorKey, connectorId, "xmpp", CursorDirectory);
        _connectors.Add(connector);
        return connector;
    }

    /// <summary>Opens the audit feed: a consumer group on the shared relay that sees every event the gateways published from now on.</summary>
    public async Task OpenAuditAsync()
    {
        await using var relay = await AuditRelayAsync();
        await using var feed = await relay.Relay.OpenFeedAsync(new ConnectorFeedId(Organization, AuditConnectorId), AuditConnectorId, CancellationToken.None);
    }

    /// <summary>Every presence event the gateways published since <see cref="OpenAuditAsync"/>, read from Redis after the faults.</summary>
    public async Task<IReadOnlyList<PresenceUpdate>> ReadAuditAsync()
    {
        await using var relay = await AuditRelayAsync();
        await using var feed = await relay.Relay.OpenFeedAsync(new ConnectorFeedId(Organization, AuditConnectorId), AuditConnectorId, CancellationToken.None);
        var published = new List<PresenceUpdate>();
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            IReadOnlyList<RelayEvent> events;
            try
            {
                events = await feed.ReadAsync(1000, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return published;
            }

            if (events.Count == 0)
            {
                return published;
            }

            published.AddRange(events.Where(e => !e.IsSnapshot && e.Presence is not null).Select(e => e.Presence!));
            await feed.AcknowledgeAsync([.. events.Select(e => e.Id)], CancellationToken.None);
        }
    }

    /// <summary>Which replica holds the connector's stream, by the replicas' own <c>presencehub.connector.streams</c>; null when none.</summary>
    public async Task<GatewayReplica?> ReplicaWithStreamsAsync()
    {
        foreach (var replica in Replicas.Where(r => r.IsRunning))
        {
            if (await replica.ScrapeAsync("presencehub_connector_streams") is > 0)
            {
                return replica;
            }
        }

        return null;
    }

    /// <summary>Every user's presence in the simulator now.</summary>
    public IReadOnlyDictionary<string, (string Availability, string Activity)> SimulatorPresence() =>
        UserIds.ToDictionary(u => u, u =>
        {
            var snapshot = Control.GetPresence(u);
            return (snapshot.Availability, snapshot.Activity);
        });

    public string Transcripts() =>
        string.Join("\n", Replicas.Select(r => $"--- replica {r.Name} ---\n{r.Transcript}"))
        + string.Join("\n", _connectors.Select((c, i) => $"--- connector {i} ---\n{c.Transcript}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var connector in _connectors)
        {
            await connector.DisposeAsync();
        }

        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await Webhooks.DisposeAsync();
        await ConnectorHub.DisposeAsync();
        await AdminApi.DisposeAsync();
        _admin.Dispose();
        await Simulator.DisposeAsync();
        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connector's cursor file may still be open while it dies; the temp directory is cleaned up later.
        }
    }

    private Task<RelayHandle> AuditRelayAsync() => RelayHandle.StartAsync(new StateOptions { Mode = StateMode.Redis, Redis = Redis.Configuration }, new RelayOptions
    {
        // Never coalesced into a snapshot however far behind it is: it must see every event.
        LagBound = 999_999,
        RetentionMaxLength = 1_000_000,
    });

    private async Task SetUpAsync(int users, IReadOnlyDictionary<string, string> gatewaySettings)
    {
        var tenant = Control.AddTenant(new SimulatedTenant { Domain = "contoso.onmicrosoft.com" });
        var app = new SimulatedApp { DisplayName = "PresenceHub", ClientSecret = Secret };
        foreach (var permission in new[] { "Presence.Read.All", "Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All" })
        {
            app.ApplicationPermissions.Add(permission);
        }

        var clientId = Control.AddApp(tenant, app);
        Organization = OrganizationId.Parse(tenant);
        UserIds = Control.CreateUsers(tenant, users);
        // The Teams app in the tenant's catalog: a user who signed in keeps consent only while it is installed.
        var teamsAppId = PresenceHub.Gateway.TeamsApp.TeamsAppPackage.DeriveAppId(Guid.Parse(clientId)).ToString("D");
        Control.AddTeamsApp(tenant, teamsAppId, "PresenceHub", teamsAppId);

        var caPath = Path.Combine(_directory, "simulator-ca.pem");
        await File.WriteAllTextAsync(caPath, Simulator.CertificateAuthorityPem);
        var certificatePath = Path.Combine(_directory, "encryption.pem");
        using (var certificate = CreateEncryptionCertificate())
        {
            await File.WriteAllTextAsync(certificatePath,
                certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        var settings = new Dictionary<string, string>
        {
            ["Graph:ClientId"] = clientId,
            ["Organizations:Allowed:0"] = Organization.ToString(),
            ["Graph:ClientSecret"] = Secret,
            ["Graph:AuthorityHost"] = Simulator.AuthorityHost.ToString(),
            ["Graph:BaseUrl"] = Simulator.GraphBaseUrl,
            ["Graph:ValidationTokenMetadataUrl"] = Simulator.WellKnownUri().ToString(),
            ["Graph:TrustedCaCertificatePath"] = caPath,
            ["Graph:EncryptionCertificates:0:Id"] = "current",
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
            ["Graph:NotificationUrl"] = new Uri(Webhooks.Address, GraphWebhookEndpoints.NotificationsPath).ToString(),
            ["Graph:LifecycleNotificationUrl"] = new Uri(Webhooks.Address, GraphWebhookEndpoints.LifecyclePath).ToString(),
            ["Graph:KeeperInterval"] = "00:00:01",
            // Only the reconciler repairs what Graph drops silently; scenarios that must prove nothing is lost keep it out of the way.
            ["Graph:ReconcileInterval"] = "01:00:00",
            ["Admin:Key"] = AdminKey,
            ["Relay:Mode"] = "Redis",
            ["Relay:RedisConfiguration"] = Redis.Configuration,
            ["DataProtection:Certificates:0:Path"] = State.KeyProtectionCertificate.Write(Path.Combine(_directory, "key-protection.pem")),
            // A stream's unacknowledged events are taken over by its next session after this idle time.
            ["Relay:ReclaimIdle"] = "00:00:01",
        };
        foreach (var (key, value) in gatewaySettings)
        {
            settings[key] = value;
        }

        await Task.WhenAll(Replicas.Select(r => r.StartAsync(settings)));

        // As in production: the first user signs in (and can own subscriptions), the others are assigned; the keeper
        // (whichever replica holds its lease) subscribes to all of them.
        Control.InstallApp(UserIds[0], teamsAppId);
        await SignInAsync(UserIds[0], clientId);
        foreach (var user in UserIds.Skip(1))
        {
            await AdminAsync(HttpMethod.Put, $"admin/organizations/{Organization}/consents/{user}", null);
        }

        await Poll.UntilAsync(() => UserIds.All(u => Control.GetSubscriptions().Any(s => s.Resource.Contains(u, StringComparison.Ordinal))),
            "the keeper to subscribe to every consenting user's presence", TimeSpan.FromSeconds(120));
        var issued = await AdminAsync(HttpMethod.Post, $"admin/organizations/{Organization}/connector-keys", new { name = "fault-suite", platform = "xmpp" });
        ConnectorKey = issued.GetProperty("key").GetString()!;
        Directory.CreateDirectory(CursorDirectory);
    }

    private async Task SignInAsync(string userId, string clientId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/consent");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Control.MintTeamsSsoToken(Organization.ToString(), userId, clientId));
        using var response = await _admin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"consent failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> AdminAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await _admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} failed: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static X509Certificate2 CreateEncryptionCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PresenceHub notifications", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
