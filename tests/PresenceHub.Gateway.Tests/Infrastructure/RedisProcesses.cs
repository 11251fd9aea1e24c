using System.Diagnostics;
using System.Globalization;

namespace PresenceHub.Gateway.Tests.Infrastructure;

/// <summary>
/// Keeps track of the redis-server processes tests start: each server's directory records its pid and the test
/// process's pid, so servers orphaned by a test process that was killed are found and killed later; the test process
/// also kills its own servers when it exits normally.
/// </summary>
internal static class RedisProcesses
{
    private static readonly Dictionary<string, int> Running = [];

    static RedisProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Remember(string directory, int pid)
    {
        File.WriteAllText(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(directory, "redis.pid"), pid.ToString(CultureInfo.InvariantCulture));
        lock (Running)
        {
            Running[directory] = pid;
        }
    }

    public static void Forget(string directory)
    {
        lock (Running)
        {
            Running.Remove(directory);
        }
    }

    /// <summary>Kills servers whose test process is gone and removes their directories.</summary>
    public static void SweepOrphans(string directoryPrefix)
    {
        foreach (var directory in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), directoryPrefix + "*"))
        {
            if (!TryReadPid(Path.Combine(directory, "owner.pid"), out var owner) || IsAlive(owner))
            {
                continue;
            }

            if (TryReadPid(Path.Combine(directory, "redis.pid"), out var pid) && IsRedis(pid))
            {
                TryKill(pid);
            }

            try
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Still in use; a later sweep gets it.
            }
        }
    }

    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await error}{await output}");
        }

        return await output;
    }

    private static void KillAll()
    {
        lock (Running)
        {
            foreach (var pid in Running.Values)
            {
                TryKill(pid);
            }

            Running.Clear();
        }
    }

    private static bool TryReadPid(string path, out int pid)
    {
        pid = 0;
        return File.Exists(path) && int.TryParse(File.ReadAllText(path), NumberStyles.None, CultureInfo.InvariantCulture, out pid);
    }

    private static bool IsAlive(int pid) => System.IO.Directory.Exists($"/proc/{pid}");

    private static bool IsRedis(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("redis-server", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void TryKill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
