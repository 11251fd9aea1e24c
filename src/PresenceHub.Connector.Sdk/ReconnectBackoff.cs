namespace PresenceHub.Connector.Sdk;

/// <summary>
/// Exponential reconnect delays with jitter (each delay is drawn between half and all of the exponential step),
/// counted from the last successful connection rather than from the client's start, so a connector that ran for
/// days reconnects quickly after its first drop.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan minDelay, TimeSpan maxDelay, Random random)
{
    private int _failures;

    /// <summary>Called when the hub welcomed the connector.</summary>
    public void Reset() => Volatile.Write(ref _failures, 0);

    /// <summary>The delay before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        var failures = Interlocked.Increment(ref _failures);
        var step = minDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(step, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + (random.NextDouble() * capped / 2));
    }
}
