using System.Collections.Concurrent;
using System.Diagnostics;

namespace PresenceHub.Testing;

/// <summary>
/// The programs the tests start (redis-server, prosody, node, ...), looked up once per test process. A fixture asks
/// before it starts one, so a missing program fails its tests at once with one sentence naming the program and how to
/// install it, instead of a stack trace from deep inside the start-up. Shared by the SDK's and the gateway's tests.
/// </summary>
internal static class RequiredProgram
{
    private static readonly ConcurrentDictionary<string, string?> Programs = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Python, string Module), bool> Modules = new();

    /// <summary>The full path of <paramref name="program"/> on PATH (or the path itself when it has a directory); null when missing.</summary>
    public static string? Find(string program) => Programs.GetOrAdd(program, Locate);

    /// <summary>Returns the full path of <paramref name="program"/>, or throws when it is not installed.</summary>
    /// <param name="program">The program's name on PATH, e.g. <c>redis-server</c>.</param>
    /// <param name="install">The command that installs it, e.g. <c>apt-get install -y redis-server redis-tools</c>.</param>
    /// <exception cref="MissingProgramException">The program is not on PATH.</exception>
    public static string Ensure(string program, string install) =>
        Find(program) ?? throw new MissingProgramException($"{program} is not installed: run ./test.sh, or {install}.");

    /// <summary>Throws when <paramref name="python"/> cannot import <paramref name="module"/> (checked once per interpreter and module).</summary>
    /// <param name="python">The interpreter, e.g. <c>/usr/bin/python3</c>; it must exist (see <see cref="Ensure"/>).</param>
    /// <param name="module">The module to import, e.g. <c>slixmpp</c>.</param>
    /// <param name="install">The command that installs it, e.g. <c>apt-get install -y python3-slixmpp</c>.</param>
    /// <exception cref="MissingProgramException">The import fails.</exception>
    public static void EnsurePythonModule(string python, string module, string install)
    {
        if (!Modules.GetOrAdd((python, module), key => CanImport(key.Python, key.Module)))
        {
            throw new MissingProgramException($"The Python module {module} is not installed for {python}: run ./test.sh, or {install}.");
        }
    }

    private static string? Locate(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    private static bool CanImport(string python, string module)
    {
        var start = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import " + module);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{python} did not start.");
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
