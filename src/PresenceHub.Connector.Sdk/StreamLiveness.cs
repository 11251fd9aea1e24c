namespace PresenceHub.Connector.Sdk;

/// <summary>When the hub was last heard from on one stream, and whether the client gave up on it for silence.</summary>
internal sealed class StreamLiveness(TimeProvider timeProvider)
{
    private long _lastHeard = timeProvider.GetTimestamp();
    private volatile bool _timedOut;

    public bool TimedOut => _timedOut;

    public void Heard() => Interlocked.Exchange(ref _lastHeard, timeProvider.GetTimestamp());

    public TimeSpan Silence => timeProvider.GetElapsedTime(Interlocked.Read(ref _lastHeard));

    public void MarkTimedOut() => _timedOut = true;
}
