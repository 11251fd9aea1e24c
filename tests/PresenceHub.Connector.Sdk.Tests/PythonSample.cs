namespace PresenceHub.Testing;

/// <summary>
/// Runs samples/python-connector with Debian's Python (/usr/bin/python3 with python3-grpcio and python3-protobuf),
/// generating its gRPC modules once per test run. Shared by the SDK's tests (against the fake hub) and the gateway's
/// (against the real connector API and the demo).
/// </summary>
internal static class PythonSample
{
    /// <summary>The interpreter the sample runs with: Debian's, which has the apt-installed grpc.</summary>
    public const string Python = "/usr/bin/python3";

    public static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    private const string Install = "apt-get install -y python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc";

    private static readonly Lazy<Task<string>> Prepared = new(PrepareOnceAsync);

    /// <summary>The sample's directory, with generated/ up to date.</summary>
    public static Task<string> PrepareAsync() => Prepared.Value;

    /// <summary>Runs connector.py to its end (killed and failed at the deadline) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string sample, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var (exitCode, output) = await SampleProgram.RunAsync(Python, ["connector.py", .. arguments], sample, RunDeadline, environment);
        Assert.True(exitCode is not null, $"the Python sample did not finish within {RunDeadline}:\n{output}");
        return (exitCode.Value, output);
    }

    private static async Task<string> PrepareOnceAsync()
    {
        var sample = SampleProgram.Directory("python-connector", "connector.py");
        // One sentence naming what is missing and the command that installs it, instead of a failure per test.
        RequiredProgram.Ensure(Python, Install);
        RequiredProgram.EnsurePythonModule(Python, "grpc", Install);
        RequiredProgram.EnsurePythonModule(Python, "google.protobuf", Install);
        RequiredProgram.Ensure("protoc", Install);
        RequiredProgram.Ensure("/usr/bin/grpc_python_plugin", Install);

        var (exitCode, output) = await SampleProgram.RunAsync("/bin/sh", ["generate.sh"], sample, RunDeadline);
        Assert.True(exitCode == 0, $"samples/python-connector/generate.sh failed ({exitCode}):\n{output}");
        return sample;
    }
}
