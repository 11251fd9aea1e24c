using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// Everything the demo runs in one process: the Graph simulator with a tenant, PresenceHub's app registration and
/// users; the gateway (the same composition as the service) configured against the simulator only by configuration,
/// as it would be against Microsoft; consent for the users; a console connector on the gateway's gRPC connector API;
/// and the simulator's presence generator.
/// </summary>
internal sealed class DemoWorld : IAsyncDisposable
{
    private const string Domain = "contoso.onmicrosoft.com";
    private const string EncryptionCertificateId = "demo";
    private const string ConsoleConnectorId = "demo-console";
    private const string ConsolePlatform = "console";
    private const string HubStage = "hub";
    private static readonly TimeSpan SubscriptionWait = TimeSpan.FromSeconds(30);

    private static readonly string[] Names =
    [
        "Adele Vance", "Alex Wilber", "Diego Siciliani", "Grady Archie", "Isaiah Langer", "Johanna Lorenz", "Lee Gu",
        "Lidia Holloway", "Megan Bowen", "Miriam Graham", "Nestor Wilke", "Patti Fernandez", "Pradeep Gupta", "Lynne Robbins",
    ];

    // Where everyone starts, before the generator moves them; the first states of a working morning.
    private static readonly (string Availability, string Activity)[] Morning =
    [
        ("Available", "Available"), ("Busy", "InAMeeting"), ("Away", "Away"), ("Busy", "InACall"), ("Offline", "OffWork"),
    ];

    private readonly string _directory;
    private readonly IPresenceView _view;
    private readonly TimeProvider _time;
    private ILogger _logger = NullLogger.Instance;
    private readonly HttpClient _gatewayHttp = new();
    private readonly string _adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly string _clientSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private X509Certificate2? _encryptionCertificate;
    private ConnectorClient? _connector;
    private IReadOnlyList<PresenceSubject> _subjects = [];

    private DemoWorld(GraphSimulator.GraphSimulator simulator, string directory, IPresenceView view, TimeProvider time)
    {
        Simulator = simulator;
        _directory = directory;
        _view = view;
        _time = time;
    }

    public GraphSimulator.GraphSimulator Simulator { get; }

    public WebApplication? Gateway { get; private set; }

    public OrganizationId Organization { get; private set; }

    public IReadOnlyList<DemoUser> Users { get; private set; } = [];

    public PresenceTable Table { get; private set; } = null!;

    /// <summary>The gateway's HTTP/1.1 endpoint: webhooks, consent, admin API.</summary>
    public Uri WebAddress { get; private set; } = null!;

    /// <summary>The gateway's HTTP/2 endpoint for the gRPC connector API.</summary>
    public Uri ConnectorAddress { get; private set; } = null!;

    /// <summary>The simulator's CA certificate (PEM), which the gateway trusts by configuration.</summary>
    public string CaCertificatePath => Path.Combine(_directory, "simulator-ca.pem");

    public StateMode StateMode { get; private set; }

    /// <summary>The connector key, endpoint and file for the developer's own connector; null until issued.</summary>
    public DeveloperConnector? DeveloperConnector { get; private set; }

    /// <summary>The console connector's connection to the gateway.</summary>
    public ConnectionStatus ConnectorStatus => _connector?.Status ?? ConnectionStatus.Stopped;

    /// <summary>
    /// Starts the simulator, then the gateway built from <paramref name="builder"/>, then consent, the console
    /// connector and the generator.
    /// </summary>
    /// <param name="builder">The gateway's builder, already carrying the command line, environment and logging.</param>
    /// <param name="options">The demo's settings.</param>
    /// <param name="view">Where hub-side presence changes are shown.</param>
    /// <param name="configureLogging">Logging of the simulator's host, like the gateway's.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Ctrl+C during start.</param>
    public static async Task<DemoWorld> StartAsync(
        WebApplicationBuilder builder, DemoOptions options, IPresenceView view, Action<ILoggingBuilder> configureLogging, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var simulator = await GraphSimulator.GraphSimulator.StartAsync(new GraphSimulatorOptions(), configureLogging, cancellationToken)
            .ConfigureAwait(false);
        var directory = Directory.CreateTempSubdirectory("presencehub-demo-").FullName;
        var world = new DemoWorld(simulator, directory, view, time);
        try
        {
            await world.StartAsync(builder, options, cancellationToken).ConfigureAwait(false);
            return world;
        }
        catch
        {
            await world.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads what Teams reports and the relay's last-known presence into the table; shows new hub versions.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var user in Users)
        {
            var teams = Simulator.Control.GetPresence(user.Id);
            Table.SetTeams(user.Id, new PresenceState(Availability.Parse(teams.Availability), Activity.Parse(teams.Activity)));
        }

        IReadOnlyList<PresenceUpdate?> hub;
        try
        {
            hub = await Gateway!.Services.GetRequiredService<IPresenceRelay>().GetLastKnownAsync(Organization, _subjects, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (StateUnavailableException ex)
        {
            DemoLog.RelayUnreadable(_logger, ex);
            return;
        }

        for (var i = 0; i < Users.Count; i++)
        {
            if (Table.SetHub(Users[i].Id, hub[i]) is not null)
            {
                _view.Changed(Users[i], hub[i]!, HubStage);
            }
        }
    }

    /// <summary>The counters under the table.</summary>
    public DemoStatus Status(DemoLogSink logs) => new(
        Simulator.Control.GeneratedChanges,
        Table.ReceivedEvents,
        ConnectorStatus.ToString(),
        Simulator.Control.GetSubscriptions().Count,
        logs.Count,
        logs.Recent);

    /// <summary>Stops the generator, the gateway and the simulator, and deletes the demo's certificates and connector file.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            DeveloperConnector?.DeleteFile();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DemoLog.ConnectorFileNotDeleted(_logger, ex);
        }

        await Simulator.Control.StopPresenceGeneratorAsync().ConfigureAwait(false);
        if (_connector is not null)
        {
            // Before the gateway, so the connector says goodbye and the gateway has no stream to cut.
            await _connector.DisposeAsync().ConfigureAwait(false);
        }

        if (Gateway is { } gateway)
        {
            DemoLog.Stopped(_logger, Simulator.Control.GeneratedChanges, Table.ReceivedEvents);
            await gateway.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await gateway.DisposeAsync().ConfigureAwait(false);
        }

        await Simulator.DisposeAsync().ConfigureAwait(false);
        _gatewayHttp.Dispose();
        _encryptionCertificate?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartAsync(WebApplicationBuilder builder, DemoOptions options, CancellationToken cancellationToken)
    {
        var control = Simulator.Control;
        var tenant = control.AddTenant(new SimulatedTenant { Domain = Domain });
        var app = new SimulatedApp { DisplayName = "PresenceHub", ClientSecret = _clientSecret };
        foreach (var permission in new[] { "Presence.Read.All", "Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All" })
        {
            app.ApplicationPermissions.Add(permission);
        }

        var clientId = control.AddApp(tenant, app);
        Organization = OrganizationId.Parse(tenant);
        Users = CreateUsers(control, tenant, options.Users);
        _subjects = Users.Select(u => new PresenceSubject(Platform.Teams, u.Id)).ToList();
        Table = new PresenceTable(Users, _time);
        control.SetUserPresences(Users.Select((u, i) => (u.Id, Morning[i % Morning.Length].Availability, Morning[i % Morning.Length].Activity)));

        await StartGatewayAsync(builder, clientId, cancellationToken).ConfigureAwait(false);
        DemoLog.Started(_logger, Organization.ToString(), Users.Count, StateMode.ToString());

        // The owner installs the Teams app and signs in first, so every later assignment finds someone whose
        // subscription can cover it. Installing is what lets them sign in; the installation sweep checks it.
        var teamsAppId = TeamsApp.TeamsAppPackage.DeriveAppId(Guid.Parse(clientId)).ToString("D");
        control.AddTeamsApp(tenant, teamsAppId, "PresenceHub", teamsAppId);
        foreach (var user in Users.Where(u => u.Consent == ConsentSource.SignedIn))
        {
            control.InstallApp(user.Id, teamsAppId);
            await SignInAsync(user.Id, clientId, cancellationToken).ConfigureAwait(false);
        }

        foreach (var user in Users.Where(u => u.Consent == ConsentSource.AdminAssigned))
        {
            await AssignAsync(user.Id, cancellationToken).ConfigureAwait(false);
        }

        await WaitForSubscriptionAsync(cancellationToken).ConfigureAwait(false);
        await StartConnectorAsync(cancellationToken).ConfigureAwait(false);
        await IssueDeveloperConnectorAsync(options.ConnectorFilePath, cancellationToken).ConfigureAwait(false);
        control.StartPresenceGenerator(new PresenceGeneratorSettings { TenantId = tenant, ChangesPerSecond = options.ChangesPerSecond });
    }

    private static List<DemoUser> CreateUsers(SimulatorControl control, string tenant, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var name = Names[i % Names.Length] + (i < Names.Length ? "" : $" {(i / Names.Length) + 1}");
            var mail = $"{name.Replace(' ', '.').ToLowerInvariant()}@{Domain}";
            var id = control.AddUser(tenant, new SimulatedUser { DisplayName = name, Mail = mail, UserPrincipalName = mail });
            // The first user signs in to the Teams app and so can own the presence subscription.
            return new DemoUser(id, name, mail, i == 0 ? ConsentSource.SignedIn : ConsentSource.AdminAssigned);
        }).ToList();

    private async Task StartGatewayAsync(WebApplicationBuilder builder, string clientId, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(CaCertificatePath, Simulator.CertificateAuthorityPem, cancellationToken).ConfigureAwait(false);
        _encryptionCertificate = CreateEncryptionCertificate(_time.GetUtcNow());
        var certificatePath = Path.Combine(_directory, "encryption.pem");
        await File.WriteAllTextAsync(certificatePath,
            _encryptionCertificate.ExportCertificatePem() + "\n" + _encryptionCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem(),
            cancellationToken).ConfigureAwait(false);

        WebAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        ConnectorAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        var settings = new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = clientId,
            // The demo serves its own simulated tenant, as an operator lists the tenants it serves.
            ["Organizations:Allowed:0"] = Organization.ToString(),
            ["Graph:ClientSecret"] = _clientSecret,
            ["Graph:AuthorityHost"] = Simulator.AuthorityHost.ToString(),
            ["Graph:BaseUrl"] = Simulator.GraphBaseUrl,
            ["Graph:ValidationTokenMetadataUrl"] = Simulator.WellKnownUri().ToString(),
            ["Graph:TrustedCaCertificatePath"] = CaCertificatePath,
            ["Graph:EncryptionCertificates:0:Id"] = EncryptionCertificateId,
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
            ["Graph:NotificationUrl"] = new Uri(WebAddress, GraphWebhookEndpoints.NotificationsPath).ToString(),
            ["Graph:LifecycleNotificationUrl"] = new Uri(WebAddress, GraphWebhookEndpoints.LifecyclePath).ToString(),
            ["Admin:Key"] = _adminKey,
            // The console answers on the web listener (loopback only) without an admin listener of its own.
            ["AdminConsole:LocalSignIn"] = "true",
            ["HttpSecurity:Hsts"] = "false",
            ["Kestrel:Endpoints:Web:Url"] = WebAddress.ToString(),
            ["Kestrel:Endpoints:Connectors:Url"] = ConnectorAddress.ToString(),
            ["Kestrel:Endpoints:Connectors:Protocols"] = "Http2",
        };

        // The embedded in-memory state, unless a Redis is configured (State:Redis, or its alias Relay:RedisConfiguration).
        var configuration = builder.Configuration;
        if (!string.IsNullOrWhiteSpace(configuration["State:Redis"] ?? configuration["Relay:RedisConfiguration"])
            && string.IsNullOrWhiteSpace(configuration["State:Mode"] ?? configuration["Relay:Mode"]))
        {
            settings["State:Mode"] = nameof(StateMode.Redis);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<IHostLifetime, DemoHostLifetime>();
        builder.AddPresenceHub();
        var gateway = builder.Build();
        gateway.MapPresenceHub();
        Gateway = gateway;
        _logger = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoWorld));
        await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        StateMode = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StateOptions>>().Value.Mode;
        _gatewayHttp.BaseAddress = WebAddress;
    }

    private async Task AssignAsync(string userId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"admin/organizations/{Organization}/consents/{userId}");
        request.Headers.Add("X-Admin-Key", _adminKey);
        using var response = await _gatewayHttp.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "Assigning a user", cancellationToken).ConfigureAwait(false);
    }

    private async Task SignInAsync(string userId, string clientId, CancellationToken cancellationToken)
    {
        var sso = Simulator.Control.MintTeamsSsoToken(Organization.ToString(), userId, clientId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/consent");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sso);
        using var response = await _gatewayHttp.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "Signing a user in to the Teams app", cancellationToken).ConfigureAwait(false);
    }

    private async Task StartConnectorAsync(CancellationToken cancellationToken)
    {
        // A hub-issued connector key, as an administrator would issue one for a real connector.
        var (keyId, key) = await IssueConnectorKeyAsync(ConsoleConnectorId, "Issuing the console connector's key", cancellationToken).ConfigureAwait(false);
        var options = new ConnectorClientOptions
        {
            HubAddress = ConnectorAddress,
            ConnectorId = ConsoleConnectorId,
            Platform = ConsolePlatform,
            ConnectorVersion = typeof(DemoWorld).Assembly.GetName().Version?.ToString() ?? "0.0.0",
            AccessToken = key,
        };
        var handler = new ConsoleConnectorHandler(Table, _view, _logger);
        _connector = new ConnectorClient(options, handler, cursorStore: null, _time, Gateway!.Services.GetRequiredService<ILoggerFactory>());
        await _connector.StartAsync(cancellationToken).ConfigureAwait(false);
        DemoLog.ConnectorStarted(_logger, ConsoleConnectorId, keyId);
    }

    private async Task IssueDeveloperConnectorAsync(string filePath, CancellationToken cancellationToken)
    {
        // A second key, for a connector the developer writes, not bound to a platform; shown and written, never logged.
        var (keyId, key) = await IssueConnectorKeyAsync(DeveloperConnector.ConnectorId, "Issuing a key for your connector", cancellationToken).ConfigureAwait(false);
        var developer = new DeveloperConnector(ConnectorAddress.GetLeftPart(UriPartial.Authority), key, Organization, filePath);
        DeveloperConnector = developer;
        try
        {
            await developer.WriteFileAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The connector file {filePath} (Demo:ConnectorFile) could not be written: {ex.Message}", ex);
        }

        DemoLog.DeveloperKeyIssued(_logger, DeveloperConnector.ConnectorId, keyId);
    }

    /// <summary>Issues a connector key through the admin API, as an administrator's POST does; returns its id and the key.</summary>
    private async Task<(string Id, string Key)> IssueConnectorKeyAsync(string name, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/organizations/{Organization}/connector-keys")
        {
            Content = JsonContent.Create(new { name }),
        };
        request.Headers.Add("X-Admin-Key", _adminKey);
        using var response = await _gatewayHttp.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return (issued.GetProperty("id").GetString() ?? "", issued.GetProperty("key").GetString()
            ?? throw new InvalidOperationException($"{what} failed: the gateway answered without a key."));
    }

    private async Task WaitForSubscriptionAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp();
        while (Simulator.Control.GetSubscriptions().Count == 0)
        {
            if (_time.GetElapsedTime(deadline) > SubscriptionWait)
            {
                DemoLog.NoSubscriptionYet(_logger, (int)SubscriptionWait.TotalSeconds);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{what} failed: the gateway answered {(int)response.StatusCode} {body}"));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static X509Certificate2 CreateEncryptionCertificate(DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PresenceHub demo notifications", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
