using System.Diagnostics;
using System.Text;

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
        var (exitCode, output) = await RunProcessAsync(Python, ["connector.py", .. arguments], sample, RunDeadline, environment);
        Assert.True(exitCode is not null, $"the Python sample did not finish within {RunDeadline}:\n{output}");
        return (exitCode.Value, output);
    }

    private static async Task<string> PrepareOnceAsync()
    {
        var sample = SampleDirectory();
        // One sentence naming what is missing and the command that installs it, instead of a failure per test.
        RequiredProgram.Ensure(Python, Install);
        RequiredProgram.EnsurePythonModule(Python, "grpc", Install);
        RequiredProgram.EnsurePythonModule(Python, "google.protobuf", Install);
        RequiredProgram.Ensure("protoc", Install);
        RequiredProgram.Ensure("/usr/bin/grpc_python_plugin", Install);

        var (exitCode, output) = await RunProcessAsync("/bin/sh", ["generate.sh"], sample, RunDeadline);
        Assert.True(exitCode == 0, $"samples/python-connector/generate.sh failed ({exitCode}):\n{output}");
        return sample;
    }

    private static string SampleDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var sample = Path.Combine(directory.FullName, "samples", "python-connector");
            if (File.Exists(Path.Combine(sample, "connector.py")))
            {
                return sample;
            }
        }

        throw new InvalidOperationException("samples/python-connector was not found above the test's directory.");
    }

    private static async Task<(int? ExitCode, string Output)> RunProcessAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan deadline,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = new StringBuilder();
        var lines = new Lock();
        process.OutputDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var expiry = new CancellationTokenSource(deadline);
        int? exitCode;
        try
        {
            await process.WaitForExitAsync(expiry.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            exitCode = null;
        }

        // WaitForExitAsync returns after the redirected streams reached their end.
        lock (lines)
        {
            return (exitCode, output.ToString());
        }
    }
}
