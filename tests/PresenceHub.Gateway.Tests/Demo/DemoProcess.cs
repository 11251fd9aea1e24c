using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PresenceHub.Gateway.Tests.Demo;

/// <summary>
/// <c>dotnet PresenceHub.Gateway.dll demo</c> as a child process with its output read line by line, as a user would
/// run it (stdout is a pipe here, so the demo prints plain lines instead of redrawing its table).
/// </summary>
internal sealed partial class DemoProcess : IAsyncDisposable
{
    private const int SigInt = 2;
    private readonly Process _process;

    private DemoProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static DemoProcess Start(params string[] arguments)
    {
        // The gateway is built with the tests: .../src/PresenceHub.Gateway/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var gateway = Path.Combine(root, "src", "PresenceHub.Gateway", "bin", configuration, tfm, "PresenceHub.Gateway.dll");
        if (!File.Exists(gateway))
        {
            throw new InvalidOperationException($"The gateway is not built at {gateway}; build tests/PresenceHub.Gateway.Tests, which references it.");
        }

        // SIGINT must reach the demo as Ctrl+C would. A shell starting this test run in the background leaves SIGINT
        // ignored, children inherit that, and .NET then never sees it: env resets it to the default first.
        var start = new ProcessStartInfo("env")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in (string[])["--default-signal=INT", "dotnet", gateway, "demo", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // The demo's embedded relay, whatever this machine's environment configures.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("Relay__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(variable);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The demo did not start.");
        var demo = new DemoProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                demo.Lines.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                demo.Errors.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>Ctrl+C: SIGINT to the demo's own process (env replaced itself with it, so the PID is the demo's).</summary>
    public void Interrupt()
    {
        if (Kill(_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill(SIGINT) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits for the process to exit and for its output to be read to the end; false when it is still running at the deadline.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
