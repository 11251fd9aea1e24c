using System.Collections.Concurrent;
using System.Diagnostics;

namespace PresenceHub.Gateway.Tests.Xmpp;

/// <summary>
/// The XMPP connector (src/PresenceHub.Connectors.Xmpp) as its own process, configured by environment variables as an
/// operator would, so a test can kill and restart it.
/// </summary>
internal sealed class XmppConnectorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private XmppConnectorProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>How many times the component authenticated with the XMPP server (log event 6000).</summary>
    public int ComponentConnections => Lines.Count(l => l.Contains("[6000]", StringComparison.Ordinal));

    public string Transcript => string.Join('\n', Lines.TakeLast(60));

    public static XmppConnectorProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        // Built next to the tests: .../src/PresenceHub.Connectors.Xmpp/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var directory = Path.Combine(root, "src", "PresenceHub.Connectors.Xmpp", "bin", testOutput.Parent.Name, testOutput.Name);
        var assembly = Path.Combine(directory, "PresenceHub.Connectors.Xmpp.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"The XMPP connector is not built at {assembly}; build tests/PresenceHub.Gateway.Tests, which references it.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(assembly);
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The XMPP connector did not start.");
        var handle = new XmppConnectorProcess(process);
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is { } line)
            {
                handle.Lines.Enqueue(line);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handle;
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the XMPP server or the hub.</summary>
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
