using System.Collections.Concurrent;
using System.Globalization;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Testing;

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
        var python = EnsureInstalled();
        var script = Path.Combine(AppContext.BaseDirectory, "Xmpp", "xmpp_client.py");
        return new XmppClientProcess(ChildProcess.Start(python,
            ["-u", script, jid, password, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), contact]));
    }

    /// <summary>
    /// Returns the interpreter to run the client with; throws <see cref="MissingProgramException"/> when it is missing or
    /// cannot import slixmpp.
    /// </summary>
    public static string EnsureInstalled()
    {
        // Debian's interpreter has python3-slixmpp; a python3 earlier on PATH (pyenv, venv) may not.
        var python = RequiredProgram.Find("/usr/bin/python3") ?? RequiredProgram.Ensure("python3", "apt-get install -y python3 python3-slixmpp");
        RequiredProgram.EnsurePythonModule(python, "slixmpp", "apt-get install -y python3-slixmpp");
        return python;
    }

    public Task SendAsync(string command) => _process.WriteLineAsync(command);

    /// <summary>The last presence line from <paramref name="contact"/>, without the "presence &lt;from&gt; " prefix; null if none.</summary>
    public string? LatestPresence(string contact) =>
        Lines.Where(l => l.StartsWith($"presence {contact} ", StringComparison.Ordinal)).Select(l => l[$"presence {contact} ".Length..]).LastOrDefault();

    public bool Received(string line) => Lines.Contains(line);

    public string Transcript => string.Join('\n', Lines) + "\n--- stderr ---\n" + string.Join('\n', Errors.TakeLast(20));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
