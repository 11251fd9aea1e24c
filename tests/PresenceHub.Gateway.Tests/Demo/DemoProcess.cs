using System.Collections.Concurrent;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Demo;

/// <summary>
/// <c>dotnet PresenceHub.Gateway.dll demo</c> as a child process with its output read line by line, as a user would
/// run it (stdout is a pipe here, so the demo prints plain lines instead of redrawing its table).
/// </summary>
internal sealed class DemoProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private DemoProcess(ChildProcess process) => _process = process;

    public ConcurrentQueue<string> Lines => _process.Lines;

    public ConcurrentQueue<string> Errors => _process.Errors;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static DemoProcess Start(params string[] arguments)
    {
        var gateway = ChildProcess.BuiltAssembly("src/PresenceHub.Gateway", "PresenceHub.Gateway.dll");
        // The demo's embedded relay, whatever this machine's environment configures.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("Relay__", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        // SIGINT must reach the demo as Ctrl+C would. A shell starting this test run in the background leaves SIGINT
        // ignored, children inherit that, and .NET then never sees it: env resets it to the default first (and
        // replaces itself with dotnet, so the PID is the demo's).
        return new DemoProcess(ChildProcess.Start("env", ["--default-signal=INT", "dotnet", gateway, "demo", .. arguments], environment));
    }

    /// <summary>Ctrl+C: SIGINT to the demo's own process.</summary>
    public void Interrupt() => _process.Interrupt();

    /// <summary>Waits for the process to exit and for its output to be read to the end; false when it is still running at the deadline.</summary>
    public Task<bool> WaitForExitAsync(TimeSpan deadline) => _process.WaitForExitAsync(deadline);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
