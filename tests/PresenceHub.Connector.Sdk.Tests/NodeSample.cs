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
        var sample = SampleProgram.Directory("node-connector", "package.json");
        await EnsureDependenciesAsync(sample);
        return sample;
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
        var (exitCode, output) = await SampleProgram.RunAsync(
            fileName, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), workingDirectory, deadline, environment);
        Assert.True(exitCode is not null, $"'{fileName} {arguments}' did not finish within {deadline}:\n{output}");
        return (exitCode.Value, output);
    }
}
