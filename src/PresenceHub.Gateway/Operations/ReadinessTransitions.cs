namespace PresenceHub.Gateway.Operations;

/// <summary>Logs a readiness check only when its outcome flips, so a probe every few seconds does not repeat the same line.</summary>
internal sealed class ReadinessTransitions(string check, ILogger logger)
{
    // 0 unknown, 1 ready, 2 not ready.
    private int _state;

    public void Ready()
    {
        if (Interlocked.Exchange(ref _state, 1) == 2)
        {
            OperationsLog.Ready(logger, check);
        }
    }

    public void NotReady(string reason)
    {
        if (Interlocked.Exchange(ref _state, 2) != 2)
        {
            OperationsLog.NotReady(logger, check, reason);
        }
    }
}
