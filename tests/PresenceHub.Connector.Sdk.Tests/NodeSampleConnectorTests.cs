using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using PresenceHub.Connector.Sdk.Testing;
using PresenceHub.Presence;
using Activity = PresenceHub.Presence.Activity;

namespace PresenceHub.Connector.Sdk.Tests;

/// <summary>Runs samples/node-connector with node against the fake hub. Needs node (18+) and npm on PATH.</summary>
public sealed class NodeSampleConnectorTests
{
    private static readonly TimeSpan InstallDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NodeSample_ReceivesAndAcknowledgesPresence_AndItsPublishedStatusArrives()
    {
        var sample = SampleDirectory();
        await EnsureDependenciesAsync(sample);
        await using var hub = await FakePresenceHub.StartAsync();
        var ada = FakeUser.Create("ada", platformUserId: "sample-user-1");
        hub.AddUser(ada);
        var eventId = hub.PushPresence(ada, new PresenceState(Availability.Busy, Activity.InAMeeting));

        var (exitCode, output) = await RunAsync("node", "index.js", sample, RunDeadline, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = hub.AccessToken,
            ["CONNECTOR_ID"] = "node-sample",
            ["PUBLISH_USER"] = "sample-user-1",
            ["EXIT_AFTER_EVENTS"] = "1",
        });

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Contains($"presence {eventId} user={ada.TeamsUserId} Busy/InAMeeting", output, StringComparison.Ordinal);
        Assert.Contains(eventId, hub.AcknowledgedEventIds);
        var connection = Assert.Single(hub.Connections);
        Assert.Equal(("node-sample", "sample"), (connection.ConnectorId, connection.Platform));
        var published = Assert.Single(hub.Publications);
        Assert.Equal("node-sample", published.ConnectorId);
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        Assert.Equal(ada.TeamsUserId, published.TeamsUserId);
        Assert.Equal(PresenceCategory.Presenting, published.State.Category);
        Assert.Equal("Presenting (sample)", published.State.StatusMessage?.Content);
        Assert.Contains(hub.StateReports, r => r.ConnectorId == "node-sample" && r.State == ConnectorState.Running);
    }

    [Fact]
    public async Task NodeSample_WithAWrongKey_IsRejected()
    {
        var sample = SampleDirectory();
        await EnsureDependenciesAsync(sample);
        await using var hub = await FakePresenceHub.StartAsync();

        var (exitCode, output) = await RunAsync("node", "index.js", sample, RunDeadline, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = "wrong-key",
        });

        Assert.True(exitCode == 3, $"expected the sample to exit with 3 (rejected), got {exitCode}:\n{output}");
        Assert.Contains("rejected: UNAUTHENTICATED", output, StringComparison.Ordinal);
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

    private static async Task<(int ExitCode, string Output)> RunAsync(
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
