using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Demo;

/// <summary>
/// The samples README's "try it against the demo": the demo prints and writes a connector key, and the Python sample
/// reads it with <c>--demo-file</c>. Needs Debian's python3-grpcio, python3-protobuf, protobuf-compiler and
/// protobuf-compiler-grpc.
/// </summary>
public sealed class PythonSampleAgainstDemoTests
{
    private const string ConnectorLine = "connector endpoint=";

    [Fact]
    public async Task PythonSample_WithTheDemosConnectorFile_ReceivesPresence()
    {
        var sample = await PythonSample.PrepareAsync();
        var directory = Directory.CreateTempSubdirectory("python-sample-demo-");
        await using var demo = DemoProcess.Start("--Demo:Users=2", $"--Demo:ConnectorFile={Path.Combine(directory.FullName, "connector.json")}");

        // connector endpoint=<url> key=<phk_...> organization=<tenant> file=<path>
        await Poll.UntilAsync(() => demo.Lines.Any(l => l.StartsWith(ConnectorLine, StringComparison.Ordinal)) || demo.HasExited,
            "the demo's connector line", TimeSpan.FromSeconds(60));
        var line = demo.Lines.FirstOrDefault(l => l.StartsWith(ConnectorLine, StringComparison.Ordinal));
        Assert.True(line is not null, $"the demo printed no '{ConnectorLine}...' line (exited: {demo.HasExited})");
        var file = line[(line.IndexOf(" file=", StringComparison.Ordinal) + " file=".Length)..];
        Assert.True(File.Exists(file), $"the demo's connector file {file} does not exist");

        // A fresh stream may begin with a profile event per user (they became visible to this connector), so with two
        // users and the generator running, five events hold at least one presence.
        var (exitCode, output) = await PythonSample.RunAsync(sample, new Dictionary<string, string> { ["EXIT_AFTER_EVENTS"] = "5" }, "--demo-file", file);

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Contains(output.Split('\n'), l => l.StartsWith("welcome session=", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.StartsWith("presence ", StringComparison.Ordinal));
        directory.Delete(recursive: true);
    }
}
