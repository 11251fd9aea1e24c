using System.Globalization;
using System.Net.Sockets;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// One gateway replica as an operator runs it: <c>dotnet PresenceHub.Gateway.dll</c> configured only by environment
/// variables, with its webhook and admin listener, its connector (HTTP/2) listener and its Prometheus listener on
/// loopback ports of its own.
/// </summary>
internal sealed class GatewayReplica : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private Dictionary<string, string?> _environment = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private ChildProcess? _process;

    /// <summary>Picks the replica's ports; nothing runs until <see cref="StartAsync"/>.</summary>
    public GatewayReplica(string name)
    {
        Name = name;
        (WebPort, ConnectorPort, MetricsPort, AdminPort) = (FreePort(), FreePort(), FreePort(), FreePort());
    }

    public string Name { get; }

    public int WebPort { get; }

    public int ConnectorPort { get; }

    public int MetricsPort { get; }

    /// <summary>The admin API's own listener.</summary>
    public int AdminPort { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Error and critical log lines the replica printed (simple console format: <c>fail:</c>, <c>crit:</c>), except
    /// Kestrel's own "automatic draining of the request body failed" (Kestrel[67]), which Kestrel still logs now and
    /// then after Graph abandoned a notification POST mid-body at full load, once the webhook has handled the abort.
    /// </summary>
    public IReadOnlyList<string> ErrorLines =>
        _process is null
            ? []
            : _process.Lines.Concat(_process.Errors)
                .Where(l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal))
                .Where(l => !l.Contains("Microsoft.AspNetCore.Server.Kestrel[67]", StringComparison.Ordinal))
                .ToList();

    public string Transcript => _process?.Transcript() ?? "";

    /// <summary>The resident memory of the process, from /proc; 0 when it is not running.</summary>
    public long ResidentBytes
    {
        get
        {
            try
            {
                var line = File.ReadLines($"/proc/{_process?.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>Starts the replica with these settings (<c>Section:Key</c> names) and waits until its readiness probe answers 200.</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        // Only the settings given: nothing of this machine's environment that would configure the gateway.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("Relay__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                        || k.StartsWith("Kestrel__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        environment["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{WebPort}";
        environment["Kestrel__Endpoints__Connectors__Url"] = $"http://127.0.0.1:{ConnectorPort}";
        environment["Kestrel__Endpoints__Connectors__Protocols"] = "Http2";
        environment["Kestrel__Endpoints__Metrics__Url"] = $"http://127.0.0.1:{MetricsPort}";
        environment["Kestrel__Endpoints__Admin__Url"] = $"http://127.0.0.1:{AdminPort}";
        environment["Operations__PrometheusPort"] = MetricsPort.ToString(CultureInfo.InvariantCulture);
        environment["Logging__Console__FormatterName"] = "simple";
        environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        environment["Logging__LogLevel__Default"] = Environment.GetEnvironmentVariable("PRESENCEHUB_TEST_LOGS") switch
        {
            "1" => "Information",
            "debug" => "Debug",
            _ => "Warning",
        };
        _environment = environment;
        await StartProcessAsync();
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to connectors, no acknowledgement of what is in flight.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary>Starts the replica again on the same ports and configuration.</summary>
    public async Task RestartAsync()
    {
        await _process!.KillAsync();
        await StartProcessAsync();
    }

    /// <summary>The value of one Prometheus series without labels (or the first of several), or null when absent or unreachable.</summary>
    public async Task<double?> ScrapeAsync(string metric)
    {
        try
        {
            var text = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPort}/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{')
                {
                    var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                    return double.Parse(value, CultureInfo.InvariantCulture);
                }
            }

            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task StartProcessAsync()
    {
        var gateway = ChildProcess.BuiltAssembly("src/PresenceHub.Gateway", "PresenceHub.Gateway.dll");
        var process = ChildProcess.Start("dotnet", [gateway], _environment, Path.GetDirectoryName(gateway));
        _process = process;
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Gateway replica {Name} exited with {process.ExitCode}:\n{process.Transcript()}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{WebPort}/healthz/ready"));
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, $"gateway replica {Name} to be ready", StartDeadline);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
