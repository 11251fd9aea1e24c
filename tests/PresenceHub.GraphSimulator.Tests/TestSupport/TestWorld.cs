using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace PresenceHub.GraphSimulator.Tests.TestSupport;

/// <summary>A started simulator with one tenant, our app, a second app, some users, a webhook receiver and an HTTP client.</summary>
internal sealed class TestWorld : IAsyncDisposable
{
    public const string Secret = "test-secret-value";
    // RSA key generation is slow on a small machine: one subscriber key serves every test.
    private static readonly Lazy<byte[]> SharedEncryptionCertificate = new(CreateEncryptionCertificate);

    public static readonly string[] AppPermissions = ["Presence.Read.All", "Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All"];

    private readonly ErrorLogCollector _errors;

    private TestWorld(GraphSimulator simulator, WebhookReceiver receiver, X509Certificate2 encryptionCertificate, ErrorLogCollector errors)
    {
        _errors = errors;
        Simulator = simulator;
        Receiver = receiver;
        EncryptionCertificate = encryptionCertificate;
        Http = simulator.CreateHttpClient();
    }

    public GraphSimulator Simulator { get; }

    public SimulatorControl Control => Simulator.Control;

    public WebhookReceiver Receiver { get; }

    public HttpClient Http { get; }

    /// <summary>Our subscriber's certificate with its private key (the public part goes in subscriptions).</summary>
    public X509Certificate2 EncryptionCertificate { get; }

    public string TenantId { get; private set; } = "";

    public string ClientId { get; private set; } = "";

    public string OtherClientId { get; private set; } = "";

    public IReadOnlyList<string> UserIds { get; private set; } = [];

    public static async Task<TestWorld> StartAsync(bool freezeClock = true, int users = 3, Action<GraphSimulatorOptions>? configure = null)
    {
        var options = new GraphSimulatorOptions { FreezeClock = freezeClock, CertificateAuthority = TestTrust.Authority };
        configure?.Invoke(options);
        var errors = new ErrorLogCollector();
        var simulator = await GraphSimulator.StartAsync(options, logging => logging.AddProvider(errors));
        var receiver = await WebhookReceiver.StartAsync();
        var world = new TestWorld(simulator, receiver, X509CertificateLoader.LoadPkcs12(SharedEncryptionCertificate.Value, null), errors);
        world.TenantId = world.Control.AddTenant(new SimulatedTenant { Domain = "contoso.onmicrosoft.com" });
        var app = new SimulatedApp { DisplayName = "PresenceHub", ClientSecret = Secret };
        foreach (var p in AppPermissions)
        {
            app.ApplicationPermissions.Add(p);
        }

        world.ClientId = world.Control.AddApp(world.TenantId, app);
        var other = new SimulatedApp { DisplayName = "Other presence app", ClientSecret = "other-secret" };
        other.ApplicationPermissions.Add("Presence.ReadWrite.All");
        world.OtherClientId = world.Control.AddApp(world.TenantId, other);
        world.UserIds = world.Control.CreateUsers(world.TenantId, users);
        return world;
    }

    public string AppToken() => Control.MintAppGraphToken(TenantId, ClientId);

    public string UserToken(int user = 0) => Control.MintUserGraphToken(TenantId, UserIds[user], ClientId);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    public JsonObject PresenceSubscriptionBody(IEnumerable<string> ids, TimeSpan lifetime, string? clientState = "secret-client-state", bool lifecycle = false)
    {
        var idList = ids.ToList();
        var resource = idList.Count == 1
            ? $"/communications/presences/{idList[0]}"
            : $"/communications/presences?$filter=id in ({string.Join(',', idList.Select(i => $"'{i}'"))})";
        var body = new JsonObject
        {
            ["changeType"] = "updated",
            ["notificationUrl"] = Receiver.Url,
            ["resource"] = resource,
            ["expirationDateTime"] = (Control.Now + lifetime).ToString("O"),
            ["clientState"] = clientState,
            ["includeResourceData"] = true,
            ["encryptionCertificate"] = Convert.ToBase64String(EncryptionCertificate.Export(X509ContentType.Cert)),
            ["encryptionCertificateId"] = "presencehub-test-cert",
        };
        if (lifecycle)
        {
            body["lifecycleNotificationUrl"] = Receiver.LifecycleUrl;
        }

        return body;
    }

    public JsonObject UsersSubscriptionBody(TimeSpan lifetime, bool lifecycle = false)
    {
        var body = new JsonObject
        {
            ["changeType"] = "created,updated,deleted",
            ["notificationUrl"] = Receiver.Url,
            ["resource"] = "/users",
            ["expirationDateTime"] = (Control.Now + lifetime).ToString("O"),
            ["clientState"] = "users-client-state",
        };
        if (lifecycle)
        {
            body["lifecycleNotificationUrl"] = Receiver.LifecycleUrl;
        }

        return body;
    }

    /// <summary>Creates a rich presence subscription for the users with user 0's delegated token; returns its id.</summary>
    public async Task<string> SubscribePresenceAsync(IEnumerable<string> ids, int owner = 0, bool lifecycle = false, TimeSpan? lifetime = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1.0/subscriptions", UserToken(owner), PresenceSubscriptionBody(ids, lifetime ?? TimeSpan.FromMinutes(60), lifecycle: lifecycle));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    public async Task<string> SubscribeUsersAsync(bool lifecycle = false, TimeSpan? lifetime = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1.0/subscriptions", AppToken(), UsersSubscriptionBody(lifetime ?? TimeSpan.FromDays(2), lifecycle));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static byte[] CreateEncryptionCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PresenceHub notifications", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddYears(1));
        return created.Export(X509ContentType.Pkcs12);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Receiver.DisposeAsync();
        await Simulator.DisposeAsync();
        EncryptionCertificate.Dispose();
        Assert.True(_errors.Errors.Count == 0, "The simulator logged errors:\n" + string.Join("\n", _errors.Errors));
    }
}
