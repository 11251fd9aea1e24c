using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Xmpp;

/// <summary>
/// A real Prosody (Debian's package) in a temporary directory: loopback ports chosen free, c2s without TLS (loopback
/// only), internal_plain accounts, and an external component domain with a secret. Started in the foreground as a
/// child process, so a test can kill and restart exactly the process it started.
/// </summary>
internal sealed class ProsodyServer : IAsyncDisposable
{
    public const string Domain = "localhost";

    private const string InstallCommand = "apt-get install -y prosody";

    private readonly string _directory;
    private readonly string _config;
    private Process? _process;

    private ProsodyServer(string directory, string componentDomain, string componentSecret)
    {
        _directory = directory;
        ClientPort = FreePort();
        ComponentPort = FreePort();
        ComponentDomain = componentDomain;
        ComponentSecret = componentSecret;
        _config = Path.Combine(directory, "prosody.cfg.lua");
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        Directory.CreateDirectory(Path.Combine(directory, "certs"));
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $$"""
            -- Test server: loopback only, no TLS, no s2s; the tests run as root in CI containers.
            run_as_root = true
            prosody_user = "root"
            daemonize = false
            pidfile = "{{directory}}/prosody.pid"
            data_path = "{{directory}}/data"
            certificates = "{{directory}}/certs"
            log = { debug = "{{directory}}/prosody.log" }
            interfaces = { "127.0.0.1" }
            c2s_ports = { {{ClientPort}} }
            c2s_interfaces = { "127.0.0.1" }
            component_ports = { {{ComponentPort}} }
            component_interfaces = { "127.0.0.1" }
            s2s_ports = { }
            http_ports = { }
            https_ports = { }
            c2s_direct_tls_ports = { }
            legacy_ssl_ports = { }
            modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "presence" }
            modules_disabled = { "s2s"; "tls" }
            authentication = "internal_plain"
            c2s_require_encryption = false
            allow_unencrypted_plain_auth = true
            storage = "internal"
            VirtualHost "{{Domain}}"
            Component "{{componentDomain}}"
              component_secret = "{{componentSecret}}"
            """));
    }

    public int ClientPort { get; }

    public int ComponentPort { get; }

    public string ComponentDomain { get; }

    public string ComponentSecret { get; }

    public bool IsRunning => _process is { HasExited: false };

    public string Log => File.Exists(Path.Combine(_directory, "prosody.log")) ? File.ReadAllText(Path.Combine(_directory, "prosody.log")) : "";

    public static ProsodyServer Create(string directory, string componentDomain, string componentSecret)
    {
        EnsureInstalled();
        return new(directory, componentDomain, componentSecret);
    }

    /// <summary>Throws <see cref="MissingProgramException"/> when Debian's Prosody (prosody and prosodyctl) is not installed.</summary>
    public static void EnsureInstalled()
    {
        RequiredProgram.Ensure("prosody", InstallCommand);
        RequiredProgram.Ensure("prosodyctl", InstallCommand);
    }

    /// <summary>Creates an account with prosodyctl.</summary>
    public async Task RegisterAsync(string user, string password)
    {
        using var process = Process.Start(Start("prosodyctl", "--config", _config, "register", user, Domain, password))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"prosodyctl register failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    /// <summary>Starts Prosody in the foreground and waits until both ports accept connections.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Prosody is running already.");
        }

        _process = Process.Start(Start("prosody", "--config", _config, "-F"))!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Poll.UntilAsync(async () => !IsRunning || (await AcceptsAsync(ClientPort) && await AcceptsAsync(ComponentPort)), "Prosody to listen");
        if (!IsRunning)
        {
            throw new InvalidOperationException($"Prosody exited at start: {Log}");
        }
    }

    /// <summary>Kills the Prosody this instance started (SIGKILL): clients and the component lose their streams.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static ProcessStartInfo Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
