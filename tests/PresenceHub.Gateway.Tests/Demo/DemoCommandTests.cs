using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PresenceHub.Gateway.Tests.Infrastructure;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Tests.Demo;

/// <summary>The README's first command, run as a user runs it: a real process, its output, Ctrl+C.</summary>
public sealed partial class DemoCommandTests
{
    // Lines of this stage are what the console connector received over the gRPC connector API: the whole way through.
    private const string Delivered = "connector";

    // The generator never produces this pair, so seeing it proves the explicit change went through.
    private const string ExplicitAvailability = "Busy";
    private const string ExplicitActivity = "InAConferenceCall";

    private static readonly TimeSpan Flowing = TimeSpan.FromSeconds(30);

    // Starting a simulator and a gateway (two fresh RSA keys, JIT) on a shared, loaded CI machine.
    private static readonly TimeSpan Starting = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Demo_ShowsGeneratedAndExplicitPresenceChanges_ThenExitsZeroOnSigint()
    {
        using var files = new ConnectorFileDirectory();
        await using var demo = DemoProcess.Start("--Demo:Users=4", "--Demo:ChangesPerSecond=4", $"--Demo:ConnectorFile={files.File}");

        await UntilAsync(demo, () => demo.Lines.Contains("demo ready") || demo.HasExited, "the demo to start", Starting);
        Assert.False(demo.HasExited, $"the demo exited during start; output:\n{Output(demo)}");

        // Presence flows: the connector gets every user's presence, then the generator's changes.
        await UntilAsync(demo, () => Presence(demo).Select(p => (p["user"], p["activity"], p["availability"])).Distinct().Count() > 6,
            $"generated presence changes at the {Delivered} stage", Flowing);
        var start = Single(demo, "demo", p => p.ContainsKey("simulator"));
        var users = Lines(demo).Where(p => p[""] == "demo" && p.ContainsKey("id")).Select(p => p["id"]).ToList();
        Assert.Equal(4, users.Count);
        Assert.Contains(Presence(demo), p => users.Contains(p["user"]));

        // Someone changes presence in Teams, through the simulator's control API that the demo prints.
        using var simulator = SimulatorClient(start);
        var target = users[^1];
        using (var response = await simulator.PostAsJsonAsync($"_simulator/users/{target}/presence",
            new { availability = ExplicitAvailability, activity = ExplicitActivity }))
        {
            response.EnsureSuccessStatusCode();
        }

        await UntilAsync(demo, () => Presence(demo).Any(p => p["user"] == target && p["activity"] == ExplicitActivity && p["availability"] == ExplicitAvailability),
            $"the explicit change of {target}", Flowing);
        var shown = Presence(demo).First(p => p["user"] == target && p["activity"] == ExplicitActivity);
        Assert.Equal("dnd", shown["xmpp"]);

        demo.Interrupt();
        Assert.True(await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the demo did not stop after SIGINT; output:\n{Output(demo)}");
        Assert.Equal(0, demo.ExitCode);
        Assert.StartsWith("demo stopped ", demo.Lines.Last(), StringComparison.Ordinal);
        Assert.NotEqual("0", Lines(demo).Last()["generated"]);
        Assert.DoesNotContain(demo.Errors, line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_PrintsAndWritesAConnectorKey_ThatOpensAStream_AndDeletesTheFileWhenItStops()
    {
        using var files = new ConnectorFileDirectory();
        await using var demo = DemoProcess.Start("--Demo:Users=2", $"--Demo:ConnectorFile={files.File}");

        await UntilAsync(demo, () => demo.Lines.Contains("demo ready") || demo.HasExited, "the demo to start", Starting);
        Assert.False(demo.HasExited, $"the demo exited during start; output:\n{Output(demo)}");

        // The line a developer (or the Python sample) reads, in the plain format.
        var line = Assert.Single(demo.Lines, l => l.StartsWith("connector ", StringComparison.Ordinal));
        Assert.Matches(@"^connector endpoint=http://127\.0\.0\.1:\d+ key=phk_[0-9a-f]{16}_[A-Za-z0-9_-]{43} organization=[0-9a-f-]{36} file=\S+$", line);
        var printed = Single(demo, "connector", _ => true);
        var start = Single(demo, "demo", p => p.ContainsKey("simulator"));
        Assert.Equal(start["organization"], printed["organization"]);
        Assert.Equal(files.File, printed["file"]);

        // The file says the same, and only its owner may read it.
        Assert.True(File.Exists(files.File), $"the demo did not write {files.File}");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.File));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(files.Directory));
        }

        using (var written = JsonDocument.Parse(await File.ReadAllTextAsync(files.File)))
        {
            var root = written.RootElement;
            Assert.Equal(printed["endpoint"], root.GetProperty("endpoint").GetString());
            Assert.Equal(printed["key"], root.GetProperty("key").GetString());
            Assert.Equal(printed["organization"], root.GetProperty("organizationId").GetString());
            Assert.Matches("^[a-z][a-z0-9_-]*$", root.GetProperty("platformHint").GetString());
        }

        // The key works: a plain gRPC client says hello as a connector of its own and is welcomed into the demo's organization.
        var welcome = await HelloAsync(new Uri(printed["endpoint"]), printed["key"]);
        Assert.Equal(printed["organization"], welcome.OrganizationId);
        Assert.NotEmpty(welcome.SessionId);

        demo.Interrupt();
        Assert.True(await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the demo did not stop after SIGINT; output:\n{Output(demo)}");
        Assert.Equal(0, demo.ExitCode);
        Assert.False(File.Exists(files.File), "the connector file outlived the demo");
    }

    [Fact]
    public async Task Demo_WithInvalidSetting_NamesItAndExitsTwo()
    {
        await using var demo = DemoProcess.Start("--Demo:Users=0");

        Assert.True(await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the demo did not exit");
        Assert.Equal(2, demo.ExitCode);
        Assert.Contains(demo.Errors, line => line.Contains("Demo:Users", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_WithAConnectorFileThatIsADirectory_NamesTheSettingAndExitsTwo()
    {
        await using var demo = DemoProcess.Start($"--Demo:ConnectorFile={Path.GetTempPath()}");

        Assert.True(await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the demo did not exit");
        Assert.Equal(2, demo.ExitCode);
        Assert.Contains(demo.Errors, line => line.Contains("Demo:ConnectorFile", StringComparison.Ordinal));
    }

    /// <summary>Connect with a hello, as any connector in any language does; returns the hub's welcome.</summary>
    private static async Task<V1.Welcome> HelloAsync(Uri endpoint, string key)
    {
        // The generated client lives in the SDK (internal there); the gateway compiles the server side of the same
        // proto, so the test builds the call from the gateway's message types and the service's descriptor.
        var connect = new Method<V1.ConnectRequest, V1.ConnectResponse>(MethodType.DuplexStreaming,
            V1.ConnectorService.Descriptor.FullName, "Connect",
            Marshallers.Create(m => m.ToByteArray(), V1.ConnectRequest.Parser.ParseFrom),
            Marshallers.Create(m => m.ToByteArray(), V1.ConnectResponse.Parser.ParseFrom));
        using var channel = GrpcChannel.ForAddress(endpoint);
        using var deadline = new CancellationTokenSource(Flowing);
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(connect, null,
            new CallOptions(new Metadata { { "authorization", $"Bearer {key}" } }, cancellationToken: deadline.Token));
        await call.RequestStream.WriteAsync(new V1.ConnectRequest
        {
            Hello = new V1.ConnectorHello { ConnectorId = "your-connector", Platform = "python", Version = "0.1.0" },
        });
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token), "the hub ended the stream without a welcome");
        var first = call.ResponseStream.Current;
        Assert.Equal(V1.ConnectResponse.MessageOneofCase.Welcome, first.MessageCase);
        await call.RequestStream.CompleteAsync();
        return first.Welcome;
    }

    private static async Task UntilAsync(DemoProcess demo, Func<bool> condition, string what, TimeSpan deadline)
    {
        try
        {
            await Poll.UntilAsync(condition, what, deadline);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Output:\n{Output(demo)}", ex);
        }
    }

    private static HttpClient SimulatorClient(IReadOnlyDictionary<string, string> start)
    {
        // Trust exactly the simulator's CA, as the gateway does by configuration.
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(start["ca"])));
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(start["simulator"]) };
    }

    private static IReadOnlyDictionary<string, string> Single(DemoProcess demo, string kind, Func<IReadOnlyDictionary<string, string>, bool> match) =>
        Assert.Single(Lines(demo), p => p[""] == kind && match(p));

    private static List<IReadOnlyDictionary<string, string>> Presence(DemoProcess demo) =>
        Lines(demo).Where(p => p[""] == "presence" && p.GetValueOrDefault("stage") == Delivered).ToList();

    /// <summary>Each line as its first word (key "") and its key=value pairs.</summary>
    private static List<IReadOnlyDictionary<string, string>> Lines(DemoProcess demo) =>
        demo.Lines.Select(line =>
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal) { [""] = line.Split(' ', 2)[0] };
            foreach (Match pair in Pair().Matches(line))
            {
                pairs[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
            }

            return (IReadOnlyDictionary<string, string>)pairs;
        }).ToList();

    private static string Output(DemoProcess demo) =>
        string.Join('\n', demo.Lines.TakeLast(40)) + "\nstderr:\n" + string.Join('\n', demo.Errors.TakeLast(20));

    [GeneratedRegex("""(\w+)=("[^"]*"|\S+)""")]
    private static partial Regex Pair();

    /// <summary>A connector file path of the test's own, in a directory the demo creates, removed afterwards.</summary>
    private sealed class ConnectorFileDirectory : IDisposable
    {
        public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"presencehub-demo-test-{Guid.NewGuid():N}");

        public string File => Path.Combine(Directory, "connector.json");

        public void Dispose()
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }
}
