using System.Collections.Concurrent;
using System.Diagnostics;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>A connector on the SDK in its own process (tests/PresenceHub.ConnectorWorker), so a test can kill it with SIGKILL.</summary>
internal sealed class ConnectorWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ConnectorWorkerProcess(Process process) => _process = process;

    /// <summary>Every complete line the worker printed so far.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>The events it handled, in order: (event id, Teams user id, version, coalesced count).</summary>
    public IReadOnlyList<(string EventId, string UserId, string Version, int Coalesced)> Handled =>
        Lines.Where(l => l.StartsWith("event ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Where(p => p.Length == 5)
            .Select(p => (p[1], p[2], p[3], int.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    public bool IsConnected => Lines.Contains("connected");

    public static ConnectorWorkerProcess Start(Uri hub, string key, string connectorId, string platform, string cursorDirectory)
    {
        // Built next to the tests: .../tests/PresenceHub.ConnectorWorker/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tests = testOutput.Parent!.Parent!.Parent!.Parent!.FullName;
        var worker = Path.Combine(tests, "PresenceHub.ConnectorWorker", "bin", testOutput.Parent.Name, testOutput.Name, "PresenceHub.ConnectorWorker.dll");
        if (!File.Exists(worker))
        {
            throw new InvalidOperationException($"The connector worker is not built at {worker}; build tests/PresenceHub.Gateway.Tests, which references it.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { worker, hub.ToString(), key, connectorId, platform, cursorDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The connector worker did not start.");
        var handle = new ConnectorWorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                handle.Lines.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                handle.Errors.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handle;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no acknowledgement of what is in flight.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
