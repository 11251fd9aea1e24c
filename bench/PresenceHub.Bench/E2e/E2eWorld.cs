using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.GraphSimulator;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Bench.E2e;

/// <summary>
/// The whole system in one process, composed as in production and wired by configuration only: the Graph simulator
/// (tokens, JWKS, subscriptions, presence reads), the gateway (<c>AddPresenceHub</c>: webhook on HTTP/1.1, connector
/// API on HTTP/2, the Redis relay when a redis-server is given) and a tenant whose users consented as in production:
/// the first signs in, the others are assigned by an admin, and the gateway's keeper subscribes to all of them in
/// Graph. The only change from production is the webhook's decryption, which the benchmark switches (see
/// <see cref="DecryptionSwitch"/>).
/// </summary>
internal sealed class E2eWorld : IAsyncDisposable
{
    public const string CertificateId = "e2e";

    private readonly string _directory;

    private E2eWorld(GraphSimulator.GraphSimulator simulator, string directory)
    {
        Simulator = simulator;
        _directory = directory;
    }

    public GraphSimulator.GraphSimulator Simulator { get; }

    public WebApplication Gateway { get; private set; } = null!;

    public OrganizationId Organization { get; private set; }

    public IReadOnlyList<string> UserIds { get; private set; } = [];

    public X509Certificate2 Certificate { get; private set; } = null!;

    public DecryptionSwitch Decryption { get; } = new();

    public Uri WebhookAddress { get; private set; } = null!;

    public Uri ConnectorAddress { get; private set; } = null!;

    public string ConnectorKey { get; private set; } = "";

    /// <summary>The validation token Graph puts in each batch for (our app, the tenant), signed by the simulator.</summary>
    public string ValidationToken { get; private set; } = "";

    /// <summary>The presence subscriptions the keeper created, as the gateway recorded them.</summary>
    public IReadOnlyList<GraphSubscription> Subscriptions { get; private set; } = [];

    public static async Task<E2eWorld> StartAsync(string? redis, int users, string keyPrefix)
    {
        var simulator = await GraphSimulator.GraphSimulator.StartAsync(
            new GraphSimulatorOptions { AccessTokenLifetime = TimeSpan.FromDays(1) }, logging => logging.ClearProviders());
        var world = new E2eWorld(simulator, Directory.CreateTempSubdirectory("presencehub-e2e-").FullName);
        try
        {
            await world.SetUpAsync(redis, users, keyPrefix);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(string? redis, int users, string keyPrefix)
    {
        var control = Simulator.Control;
        var (tenant, clientId, teamsAppId) = BenchGraph.AddTenant(Simulator, "e2e.onmicrosoft.com");
        Organization = OrganizationId.Parse(tenant);
        UserIds = control.CreateUsers(tenant, users);
        ValidationToken = Simulator.Services.GetRequiredService<TokenIssuer>().ValidationToken(tenant, clientId);

        Certificate = BenchGraph.CreateEncryptionCertificate();
        var (webhookPort, connectorPort) = (BenchGraph.FreePort(), BenchGraph.FreePort());
        WebhookAddress = new Uri($"http://127.0.0.1:{webhookPort}/");
        ConnectorAddress = new Uri($"http://127.0.0.1:{connectorPort}/");
        var settings = await BenchGraph.GatewaySettingsAsync(Simulator, clientId, Certificate, CertificateId, _directory, WebhookAddress, tenant);
        settings["Graph:KeeperInterval"] = "00:00:01";
        // The benchmark's driver is the only source of change; a poll mid-run would only add reads.
        settings["Graph:ReconcileInterval"] = "01:00:00";
        settings["Relay:KeyPrefix"] = keyPrefix;
        // Every event must reach the connector, as in the gRPC baseline: no lag-bound coalescing within the run.
        settings["Relay:LagBound"] = "50000000";
        settings["Relay:RetentionMaxLength"] = "100000000";
        if (redis is not null)
        {
            settings["Relay:Mode"] = "Redis";
            settings["Relay:RedisConfiguration"] = redis;
        }

        var builder = WebApplication.CreateSlimBuilder();
        // Errors only: a failing path must show why, without logging on the measured path otherwise.
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, webhookPort);
            k.Listen(IPAddress.Loopback, connectorPort, l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Configuration.AddInMemoryCollection(settings);
        // The gateway's own processor (registered first, so the gateway keeps it), with the decryption switched.
        builder.Services.AddSingleton(sp => new ChangeNotificationProcessor(
            sp.GetRequiredService<IGraphSubscriptionStore>(), sp.GetRequiredService<ValidationTokenValidator>(),
            sp.GetRequiredService<EncryptionCertificateStore>(), sp.GetRequiredService<PresenceVersionSource>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOrganizationAdmission>(),
            content => Decryption.DecryptAsync(content, sp.GetRequiredService<EncryptionCertificateStore>()),
            sp.GetService<WriteBackEchoTagger>()));
        builder.AddPresenceHub();
        Gateway = builder.Build();
        Gateway.MapPresenceHub();
        await Gateway.StartAsync();

        using var http = new HttpClient { BaseAddress = WebhookAddress };
        // As in production: some users sign in, and can own subscriptions (Graph allows one presence subscription per
        // user per app, of at most 650 users, so covering N users takes ceil(N / 650) owners); the others are assigned.
        var owners = (users + 649) / 650;
        await Parallel.ForEachAsync(UserIds.Select((user, index) => (user, index)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, ct) =>
        {
            using var request = entry.index < owners
                ? new HttpRequestMessage(HttpMethod.Post, "api/consent")
                : new HttpRequestMessage(HttpMethod.Put, $"admin/organizations/{Organization}/consents/{entry.user}");
            if (entry.index < owners)
            {
                control.InstallApp(entry.user, teamsAppId);
                request.Headers.Authorization = new("Bearer", control.MintTeamsSsoToken(tenant, entry.user, clientId));
            }
            else
            {
                request.Headers.Add("X-Admin-Key", BenchGraph.AdminKey);
            }

            using var response = await http.SendAsync(request, ct);
            await EnsureAsync(response, entry.index < owners ? "sign-in" : "admin assignment");
        });

        var store = Gateway.Services.GetRequiredService<IGraphSubscriptionStore>();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        while (true)
        {
            var presence = (await store.ListAsync(Organization, CancellationToken.None)).Where(s => s.Kind == GraphSubscriptionKind.Presence).ToList();
            if (presence.SelectMany(s => s.UserIds).Distinct(StringComparer.OrdinalIgnoreCase).Count() == users)
            {
                Subscriptions = presence;
                break;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The keeper subscribed to {presence.Sum(s => s.UserIds.Count)} of {users} consenting users in 3 minutes.");
            }

            await Task.Delay(200);
        }

        var (key, id, hash) = ConnectorKeys.Create();
        await Gateway.Services.GetRequiredService<IConnectorKeyStore>().AddAsync(
            new ConnectorKeyRecord(id, Organization, "bench", null, hash, DateTimeOffset.UtcNow), CancellationToken.None);
        ConnectorKey = key;
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.StopAsync();
            await Gateway.DisposeAsync();
        }

        await Simulator.DisposeAsync();
        Certificate?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }


}
