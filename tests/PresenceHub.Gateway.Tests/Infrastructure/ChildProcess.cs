using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PresenceHub.Gateway.Tests.Infrastructure;

/// <summary>
/// A process a test starts: its stdout and stderr read line by line, its stdin open for commands, killed with SIGKILL
/// by its own PID (never by name, since other test runs share the machine). Children still running when the test
/// process exits are killed then too.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int SigInt = 2;
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    };

    private ChildProcess(Process process) => _process = process;

    /// <summary>Every complete line the process wrote to stdout (and to stderr too when started with mergeErrors).</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Every complete line the process wrote to stderr, unless started with mergeErrors.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines of both streams, for failure messages.</summary>
    public string Transcript(int lines = 40) =>
        string.Join('\n', Lines.TakeLast(lines)) + (Errors.IsEmpty ? "" : "\nstderr:\n" + string.Join('\n', Errors.TakeLast(lines / 2)));

    /// <summary>
    /// The path of an assembly built with the tests, in the same configuration and target framework:
    /// <c>{repository}/{project}/bin/{Configuration}/{tfm}/{assembly}</c>.
    /// </summary>
    /// <param name="project">The project directory relative to the repository, e.g. <c>src/PresenceHub.Gateway</c>.</param>
    /// <param name="assembly">The file name, e.g. <c>PresenceHub.Gateway.dll</c>.</param>
    /// <exception cref="InvalidOperationException">It is not built.</exception>
    public static string BuiltAssembly(string project, string assembly)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        // .../tests/PresenceHub.Gateway.Tests/bin/<Configuration>/<tfm>/
        var root = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, project, "bin", testOutput.Parent.Name, testOutput.Name, assembly);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{assembly} is not built at {path}; build tests/PresenceHub.Gateway.Tests, which references {project}.");
        }

        return path;
    }

    /// <summary>Starts a process with redirected streams.</summary>
    /// <param name="fileName">The program, e.g. <c>dotnet</c>.</param>
    /// <param name="arguments">Its arguments, passed as they are.</param>
    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    /// <param name="workingDirectory">Its working directory; null for ours.</param>
    /// <param name="mergeErrors">Collect stderr into <see cref="Lines"/> too, in arrival order.</param>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        bool mergeErrors = false)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var child = new ChildProcess(process);
        Running[process.Id] = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                child.Lines.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                (mergeErrors ? child.Lines : child.Errors).Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Writes one line to the process's stdin.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes the process's stdin (end of input).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Ctrl+C: SIGINT to this process only.</summary>
    /// <exception cref="InvalidOperationException">kill(2) failed.</exception>
    public void Interrupt()
    {
        if (Kill(_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill(SIGINT) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no acknowledgement of what is in flight. Waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        await _process.WaitForExitAsync();
        Running.TryRemove(_process.Id, out _);
    }

    /// <summary>Waits for the process to exit and its output to be read to the end; false when it still runs at the deadline.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            Running.TryRemove(_process.Id, out _);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
