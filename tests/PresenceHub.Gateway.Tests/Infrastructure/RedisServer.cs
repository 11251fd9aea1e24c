using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, in its own temporary directory. Start it with
/// <see cref="StartAsync"/>; it is ready (answers PING) when that returns. Dispose stops it and deletes the directory.
/// Servers left behind by a test process that died are killed the next time any server starts.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string DirectoryPrefix = "presencehub-redis-";
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(20);

    /// <summary>Debian's Redis: the server and redis-cli.</summary>
    internal const string InstallCommand = "apt-get install -y redis-server redis-tools";

    private readonly string[] _arguments;
    private Process? _process;

    private RedisServer(int port, string directory, string[] arguments)
    {
        Port = port;
        Directory = directory;
        _arguments = arguments;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's working directory (AOF, RDB, cluster config, log).</summary>
    public string Directory { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server and waits until it answers PING.</summary>
    /// <param name="appendOnly">Turns on the AOF with <c>appendfsync always</c>, so every acknowledged write survives a kill.</param>
    /// <param name="extraArguments">More <c>redis-server</c> arguments, e.g. <c>--cluster-enabled yes</c>.</param>
    /// <exception cref="MissingProgramException">redis-server is not installed.</exception>
    /// <exception cref="InvalidOperationException">redis-server did not become ready.</exception>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false, params string[] extraArguments)
    {
        RequiredProgram.Ensure("redis-server", InstallCommand);
        RedisProcesses.SweepOrphans(DirectoryPrefix);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort(clusterBus: extraArguments.Contains("--cluster-enabled"));
            var directory = System.IO.Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
            var arguments = new List<string>
            {
                "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "no",
                "--daemonize", "no", "--dir", directory, "--logfile", "redis.log", "--save", string.Empty,
            };
            arguments.AddRange(appendOnly
                ? ["--appendonly", "yes", "--appendfsync", "always"]
                : ["--appendonly", "no"]);
            arguments.AddRange(extraArguments);
            var server = new RedisServer(port, directory, [.. arguments]);
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (RedisServerStartException) when (attempt < 3)
            {
                // Another process took the port between our probe and the bind: try another one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills the server with SIGKILL (no shutdown, no save) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server again on the same port and directory, so it reloads its AOF; waits until ready.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartProcessAsync();
    }

    /// <summary>Runs <c>redis-cli</c> against this server and returns its output.</summary>
    public Task<string> CliAsync(params string[] arguments) =>
        RedisProcesses.RunAsync(RequiredProgram.Ensure("redis-cli", InstallCommand), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), .. arguments]);

    /// <summary>One field of <c>INFO</c>, e.g. <c>used_memory</c>.</summary>
    public async Task<long> InfoAsync(string section, string field)
    {
        var info = await CliAsync("INFO", section);
        var line = info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"INFO {section} has no {field}.");
        return long.Parse(line[(field.Length + 1)..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        RedisProcesses.Forget(Directory);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the sweep of a later run removes it.
        }
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        RedisProcesses.Remember(Directory, _process.Id);

        var until = DateTime.UtcNow + ReadyDeadline;
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > until)
            {
                var log = Path.Combine(Directory, "redis.log");
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)";
                await KillAsync();
                throw new RedisServerStartException(
                    $"redis-server on port {Port} did not answer PING within {ReadyDeadline.TotalSeconds:0} s (exited: {_process.HasExited}). Log:\n{tail}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Sends PING over a raw socket; true on +PONG (false while the server is loading its AOF).</summary>
    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort(bool clusterBus)
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (!clusterBus)
            {
                return port;
            }

            // A cluster node also listens on port + 10000 for its bus.
            if (port + 10000 <= 65535)
            {
                try
                {
                    using var bus = new TcpListener(IPAddress.Loopback, port + 10000);
                    bus.Start();
                    bus.Stop();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken: try another.
                }
            }
        }
    }

    private sealed class RedisServerStartException(string message) : InvalidOperationException(message);
}
