using System.Diagnostics;
using System.Text;

namespace PresenceHub.Testing;

/// <summary>Finds a sample connector of samples/ and runs its programs, for the Node and Python sample tests.</summary>
internal static class SampleProgram
{
    /// <summary>samples/<paramref name="name"/> above the test's directory, recognized by <paramref name="marker"/>.</summary>
    public static string Directory(string name, string marker)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var sample = Path.Combine(directory.FullName, "samples", name);
            if (File.Exists(Path.Combine(sample, marker)))
            {
                return sample;
            }
        }

        throw new InvalidOperationException($"samples/{name} was not found above the test's directory.");
    }

    /// <summary>Runs a program to its end; a program still running at the deadline is killed and its exit code is null.</summary>
    public static async Task<(int? ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan deadline,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = new StringBuilder();
        var lines = new Lock();
        process.OutputDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var expiry = new CancellationTokenSource(deadline);
        int? exitCode;
        try
        {
            await process.WaitForExitAsync(expiry.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            exitCode = null;
        }

        // WaitForExitAsync returns after the redirected streams reached their end.
        lock (lines)
        {
            return (exitCode, output.ToString());
        }
    }
}
