using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>A relay hosted in its own process (tests/PresenceHub.RelayWorker), so a test can kill it with SIGKILL.</summary>
internal sealed class RelayWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RelayWorkerProcess(Process process) => _process = process;

    /// <summary>Every line the worker printed so far.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public bool HasExited => _process.HasExited;

    public static RelayWorkerProcess Start(RelayOptions options, params string[] verb)
    {
        // The worker is built next to the tests: .../tests/PresenceHub.RelayWorker/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var tests = testOutput.Parent.Parent!.Parent!.Parent!.FullName;
        var worker = Path.Combine(tests, "PresenceHub.RelayWorker", "bin", configuration, tfm, "PresenceHub.RelayWorker.dll");
        if (!File.Exists(worker))
        {
            throw new InvalidOperationException($"The relay worker is not built at {worker}; build tests/PresenceHub.Gateway.Tests, which references it.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(worker);
        foreach (var argument in verb)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--Relay:Mode={options.Mode}");
        start.ArgumentList.Add($"--Relay:RedisConfiguration={options.RedisConfiguration}");
        start.ArgumentList.Add($"--Relay:KeyPrefix={options.KeyPrefix}");
        start.ArgumentList.Add($"--Relay:ReclaimIdle={options.ReclaimIdle.ToString("c", CultureInfo.InvariantCulture)}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        var process = Process.Start(start) ?? throw new InvalidOperationException("The relay worker did not start.");
        var handle = new RelayWorkerProcess(process);
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
