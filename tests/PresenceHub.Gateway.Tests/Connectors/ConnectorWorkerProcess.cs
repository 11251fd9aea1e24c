using System.Collections.Concurrent;
using System.Globalization;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>A connector on the SDK in its own process (tests/PresenceHub.ConnectorWorker), so a test can kill it with SIGKILL.</summary>
internal sealed class ConnectorWorkerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ConnectorWorkerProcess(ChildProcess process) => _process = process;

    /// <summary>Every complete line the worker printed so far.</summary>
    public ConcurrentQueue<string> Lines => _process.Lines;

    public ConcurrentQueue<string> Errors => _process.Errors;

    /// <summary>The events it handled, in order: (event id, Teams user id, version, coalesced count).</summary>
    public IReadOnlyList<(string EventId, string UserId, string Version, int Coalesced)> Handled =>
        Events.Select(e => (e.EventId, e.UserId, e.Version, e.Coalesced)).ToList();

    /// <summary>The events it handled, in order, with the presence and when it was handled.</summary>
    public IReadOnlyList<HandledEvent> Events =>
        Lines.Where(l => l.StartsWith("event ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Where(p => p.Length == 9)
            .Select(p => new HandledEvent(p[1], p[2], p[3], int.Parse(p[4], CultureInfo.InvariantCulture), p[5], p[6],
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(p[7], CultureInfo.InvariantCulture)), long.Parse(p[8], CultureInfo.InvariantCulture)))
            .ToList();

    public bool IsConnected => ConnectedAt.Count > 0;

    /// <summary>How many times the stream came up.</summary>
    public int Connections => ConnectedAt.Count;

    /// <summary>When the stream came up, each time.</summary>
    public IReadOnlyList<DateTimeOffset> ConnectedAt =>
        Lines.Where(l => l.StartsWith("connected ", StringComparison.Ordinal))
            .Select(l => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(l["connected ".Length..], CultureInfo.InvariantCulture)))
            .ToList();

    public string Transcript => _process.Transcript();

    public static ConnectorWorkerProcess Start(Uri hub, string key, string connectorId, string platform, string cursorDirectory)
    {
        var worker = ChildProcess.BuiltAssembly("tests/PresenceHub.ConnectorWorker", "PresenceHub.ConnectorWorker.dll");
        return new ConnectorWorkerProcess(ChildProcess.Start("dotnet", [worker, hub.ToString(), key, connectorId, platform, cursorDirectory]));
    }

    /// <summary>The handler stops returning: the client reads no more of its stream, but keeps heartbeating.</summary>
    public Task StallAsync() => _process.WriteLineAsync("stall");

    /// <summary>SIGKILL: no shutdown, no flush, no acknowledgement of what is in flight.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>One handled event as the worker printed it.</summary>
    public sealed record HandledEvent(
        string EventId, string UserId, string Version, int Coalesced, string Availability, string Activity, DateTimeOffset HandledAt, long LagMilliseconds)
    {
        public bool IsSnapshot => EventId.Contains('~', StringComparison.Ordinal);
    }
}
