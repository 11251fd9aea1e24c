using System.Collections.Concurrent;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Xmpp;

/// <summary>
/// The XMPP connector (src/PresenceHub.Connectors.Xmpp) as its own process, configured by environment variables as an
/// operator would, so a test can kill and restart it.
/// </summary>
internal sealed class XmppConnectorProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private XmppConnectorProcess(ChildProcess process) => _process = process;

    /// <summary>Both output streams, in arrival order.</summary>
    public ConcurrentQueue<string> Lines => _process.Lines;

    /// <summary>How many times the component authenticated with the XMPP server (log event 6000).</summary>
    public int ComponentConnections => Lines.Count(l => l.Contains("[6000]", StringComparison.Ordinal));

    public string Transcript => string.Join('\n', Lines.TakeLast(60));

    public static XmppConnectorProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var assembly = ChildProcess.BuiltAssembly("src/PresenceHub.Connectors.Xmpp", "PresenceHub.Connectors.Xmpp.dll");
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => (string?)s.Value);
        return new XmppConnectorProcess(ChildProcess.Start("dotnet", [assembly], environment, Path.GetDirectoryName(assembly), mergeErrors: true));
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the XMPP server or the hub.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
