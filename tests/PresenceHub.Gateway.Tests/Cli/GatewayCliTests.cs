using System.IO.Compression;
using System.Text.Json.Nodes;
using NJsonSchema;
using PresenceHub.Gateway.Cli;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Cli;

/// <summary>The administrator's verbs: teams-app, consent-url and doctor, run as the binary runs them.</summary>
public sealed class GatewayCliTests
{
    private const string ClientId = "6a1c0c39-31e4-4b7f-a3c5-0d1b5f1e9a10";

    [Fact]
    public async Task TeamsApp_BuildsAPackage_WhoseManifestIsValidAgainstTheTeamsSchema_WithSsoAndThePersonalTab()
    {
        var schema = SchemaPath();
        var output = new StringWriter();
        var package = Path.Combine(Directory.CreateTempSubdirectory("presencehub-teams-app-").FullName, "app.zip");

        var exit = await TeamsAppCommand.RunAsync(
            ["--out", package, "--schema", schema, $"--Graph:ClientId={ClientId}", "--TeamsApp:PublicBaseUrl=https://presencehub.contoso.com/"], output);

        Assert.True(exit == 0, output.ToString());
        Assert.Contains("manifest.json is valid against MicrosoftTeams.v1.29.schema.json", output.ToString(), StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(package);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray());
        JsonNode manifest;
        using (var stream = zip.GetEntry("manifest.json")!.Open())
        {
            manifest = JsonNode.Parse(stream)!;
        }

        Assert.Equal("1.29", (string?)manifest["manifestVersion"]);
        Assert.Equal(ClientId, (string?)manifest["webApplicationInfo"]!["id"]);
        Assert.Equal($"api://presencehub.contoso.com/{ClientId}", (string?)manifest["webApplicationInfo"]!["resource"]);
        Assert.Equal("https://presencehub.contoso.com/tab", (string?)manifest["staticTabs"]![0]!["contentUrl"]);
        Assert.Equal("personal", (string?)manifest["staticTabs"]![0]!["scopes"]![0]);
        Assert.Equal("identity", (string?)manifest["permissions"]![0]);
        AssertPng(zip, "color.png", 192);
        AssertPng(zip, "outline.png", 32);

        // The schema check is real: the same manifest without its developer is refused.
        manifest.AsObject().Remove("developer");
        Assert.NotEmpty((await JsonSchema.FromFileAsync(schema)).Validate(manifest.ToJsonString()));
    }

    [Fact]
    public async Task TeamsApp_WithoutPublicBaseUrl_SaysWhichSettingIsMissing()
    {
        var output = new StringWriter();
        var exit = await TeamsAppCommand.RunAsync([$"--Graph:ClientId={ClientId}", "--TeamsApp:PublicBaseUrl=http://insecure.example/"], output);
        Assert.Equal(1, exit);
        Assert.Contains("TeamsApp:PublicBaseUrl must be an absolute https:// address", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConsentUrl_IsTheAdminConsentLinkOfTheAppRegistration()
    {
        var output = new StringWriter();
        var exit = ConsentUrlCommand.Run(["--tenant", "contoso.onmicrosoft.com", $"--Graph:ClientId={ClientId}"], output);
        Assert.Equal(0, exit);
        Assert.Equal(
            $"https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id={ClientId}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
            output.ToString().Trim());
    }

    [Fact]
    public async Task Doctor_PassesAgainstAHealthyGateway_AndNamesTheFixOfEachFailure()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        var healthy = new StringWriter();
        var exit = await DoctorCommand.RunAsync(Arguments(world, world.Settings), healthy);
        Assert.True(exit == 0, healthy.ToString());
        foreach (var check in new[] { "configuration", "redis", "token", "certificate", "webhook" })
        {
            Assert.Contains($"ok    {check}", healthy.ToString(), StringComparison.Ordinal);
        }

        var broken = new Dictionary<string, string?>(world.Settings)
        {
            ["Graph:ClientSecret"] = "wrong-secret",
            ["Graph:NotificationUrl"] = $"http://127.0.0.1:{ClosedPort()}/graph/notifications",
        };
        var failing = new StringWriter();
        Assert.Equal(1, await DoctorCommand.RunAsync(Arguments(world, broken), failing));
        var text = failing.ToString();
        Assert.Contains("FAIL  token", text, StringComparison.Ordinal);
        Assert.Contains("fix: check Graph:ClientId and Graph:ClientSecret", text, StringComparison.Ordinal);
        Assert.Contains("FAIL  webhook", text, StringComparison.Ordinal);

        var unconfigured = new StringWriter();
        Assert.Equal(1, await DoctorCommand.RunAsync(["--Graph:ClientId=not-a-guid"], unconfigured));
        Assert.Contains("FAIL  configuration", unconfigured.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_CountsTheUsersWithoutPush_AndSaysWhy()
    {
        await using var redis = await RedisServer.StartAsync();
        var state = new Dictionary<string, string?> { ["State:Mode"] = "Redis", ["State:Redis"] = redis.Configuration, ["State:KeyPrefix"] = "doctor" };
        await using var world = await GraphIngestWorld.StartAsync(users: 2, gatewaySettings: state);
        await world.AssignAsync(world.UserIds[1]);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var settings = new Dictionary<string, string?>(world.Settings);
        foreach (var (key, value) in state)
        {
            settings[key] = value;
        }

        var output = new StringWriter();
        await DoctorCommand.RunAsync(Arguments(world, settings), output);

        Assert.Contains("ok    push         1 of 1 consenting users have no push (no signed-in owner", output.ToString(), StringComparison.Ordinal);
    }

    private static string[] Arguments(GraphIngestWorld world, IReadOnlyDictionary<string, string?> settings) =>
        [.. settings.Select(s => $"--{s.Key}={s.Value}"), "--tenant", world.Organization.ToString()];

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void AssertPng(ZipArchive zip, string name, int size)
    {
        using var stream = zip.GetEntry(name)!.Open();
        var header = new byte[24];
        stream.ReadExactly(header);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], header[..4]);
        Assert.Equal(size, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)));
        Assert.Equal(size, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }

    /// <summary>The Teams app manifest schema in ../shared beside the repository.</summary>
    private static string SchemaPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "reference", "teams-app-schema", "MicrosoftTeams.v1.29.schema.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("../shared/reference/teams-app-schema/MicrosoftTeams.v1.29.schema.json was not found above the tests.");
    }
}
