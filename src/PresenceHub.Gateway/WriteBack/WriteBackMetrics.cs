using System.Diagnostics.Metrics;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>Write-back's instruments, on the gateway's meter. Tags carry operations and outcomes only.</summary>
internal sealed class WriteBackMetrics
{
    private readonly Counter<long> _calls;

    public WriteBackMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GatewayMeter.Name);
        _calls = meter.CreateCounter<long>("presencehub.writeback.calls", "{call}",
            "setPresence and clearPresence calls to Graph, by operation (set, clear) and outcome (success, not-found, failed).");
    }

    public void Call(string operation, string outcome) =>
        _calls.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
}
