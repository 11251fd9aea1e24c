using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace PresenceHub.Testing;

/// <summary>
/// Runs samples/node-connector with node (18+, npm on PATH), installing its packages once. Shared by the SDK's tests
/// (against the fake hub) and the gateway's (against the real connector API).
/// </summary>
internal static class NodeSample
{
    public static readonly TimeSpan InstallDeadline = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    // Debian's Node and npm; with NodeSource's nodejs (which bundles npm) only nodejs is needed.
    private const string InstallCommand = "apt-get install -y nodejs npm";

    /// <summary>The sample's directory, with its packages installed.</summary>
    public static async Task<string> PrepareAsync()
    {
        var sample = SampleDirectory();
        await EnsureDependenciesAsync(sample);
        return sample;
    }

    private static string SampleDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var sample = Path.Combine(directory.FullName, "samples", "node-connector");
            if (File.Exists(Path.Combine(sample, "package.json")))
            {
                return sample;
            }
        }

        throw new InvalidOperationException("samples/node-connector was not found above the test's directory.");
    }

    private static async Task EnsureDependenciesAsync(string sample)
    {
        RequiredProgram.Ensure("node", InstallCommand);
        RequiredProgram.Ensure("npm", InstallCommand);
        var (nodeExit, nodeVersion) = await RunAsync("node", "--version", sample, RunDeadline);
        Assert.True(nodeExit == 0, $"node did not run: {nodeVersion}");
        if (Directory.Exists(Path.Combine(sample, "node_modules", "@grpc", "grpc-js")) &&
            Directory.Exists(Path.Combine(sample, "node_modules", "@grpc", "proto-loader")))
        {
            return;
        }

        var (npmExit, npmOutput) = await RunAsync("npm", "ci --no-audit --no-fund", sample, InstallDeadline);
        Assert.True(npmExit == 0, $"npm ci failed in {sample}:\n{npmOutput}");
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, string arguments, string workingDirectory, TimeSpan deadline, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"'{fileName}' is required to run the Node sample test and was not found on PATH ({exception.Message}). Install Node.js 18 or newer with npm.");
            throw;
        }

        using (process)
        {
            var output = new StringBuilder();
            var lines = new Lock();
            process.OutputDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var expiry = new CancellationTokenSource(deadline);
            try
            {
                await process.WaitForExitAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                lock (lines)
                {
                    Assert.Fail($"'{fileName} {arguments}' did not finish within {deadline}:\n{output}");
                }
            }

            // WaitForExitAsync returns after the redirected streams reached their end.
            lock (lines)
            {
                return (process.ExitCode, output.ToString());
            }
        }
    }
}
