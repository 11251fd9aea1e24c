using System.Collections.Concurrent;
using System.Diagnostics;

namespace PresenceHub.Gateway.Tests.Xmpp;

/// <summary>
/// A real XMPP client: <c>xmpp_client.py</c> on Debian's python3-slixmpp, logged in as an ordinary user. It prints
/// what it receives as lines and takes commands on stdin.
/// </summary>
internal sealed class XmppClientProcess : IAsyncDisposable
{
    private readonly Process _process;

    private XmppClientProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>How many sessions started (one more after each reconnect).</summary>
    public int Sessions => Lines.Count(l => l == "ready");

    public static XmppClientProcess Start(string jid, string password, int port, string contact)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Xmpp", "xmpp_client.py");
        // Debian's interpreter has python3-slixmpp; a python3 earlier on PATH (pyenv, venv) may not.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "-u", script, jid, password, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), contact })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The XMPP client did not start.");
        var client = new XmppClientProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                client.Lines.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                client.Errors.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return client;
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The last presence line from <paramref name="contact"/>, without the "presence &lt;from&gt; " prefix; null if none.</summary>
    public string? LatestPresence(string contact) =>
        Lines.Where(l => l.StartsWith($"presence {contact} ", StringComparison.Ordinal)).Select(l => l[$"presence {contact} ".Length..]).LastOrDefault();

    public bool Received(string line) => Lines.Contains(line);

    public string Transcript => string.Join('\n', Lines) + "\n--- stderr ---\n" + string.Join('\n', Errors.TakeLast(20));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
