using System.Collections.Concurrent;
using System.Globalization;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Xmpp;

/// <summary>
/// A real XMPP client: <c>xmpp_client.py</c> on Debian's python3-slixmpp, logged in as an ordinary user. It prints
/// what it receives as lines and takes commands on stdin.
/// </summary>
internal sealed class XmppClientProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private XmppClientProcess(ChildProcess process) => _process = process;

    public ConcurrentQueue<string> Lines => _process.Lines;

    public ConcurrentQueue<string> Errors => _process.Errors;

    /// <summary>How many sessions started (one more after each reconnect).</summary>
    public int Sessions => Lines.Count(l => l == "ready");

    public static XmppClientProcess Start(string jid, string password, int port, string contact)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Xmpp", "xmpp_client.py");
        // Debian's interpreter has python3-slixmpp; a python3 earlier on PATH (pyenv, venv) may not.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        return new XmppClientProcess(ChildProcess.Start(python,
            ["-u", script, jid, password, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), contact]));
    }

    public Task SendAsync(string command) => _process.WriteLineAsync(command);

    /// <summary>The last presence line from <paramref name="contact"/>, without the "presence &lt;from&gt; " prefix; null if none.</summary>
    public string? LatestPresence(string contact) =>
        Lines.Where(l => l.StartsWith($"presence {contact} ", StringComparison.Ordinal)).Select(l => l[$"presence {contact} ".Length..]).LastOrDefault();

    public bool Received(string line) => Lines.Contains(line);

    public string Transcript => string.Join('\n', Lines) + "\n--- stderr ---\n" + string.Join('\n', Errors.TakeLast(20));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
