namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>
/// Graph's slow-endpoint rule for one notification URL: in each 10-minute window, once 100 notifications were sent,
/// >= 15 % answered slower than 2,900 ms drops the endpoint's notifications and >= 10 % delays them by 10 minutes.
/// </summary>
internal sealed class EndpointHealth
{
    public static readonly TimeSpan SlowThreshold = TimeSpan.FromMilliseconds(2900);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Delay = TimeSpan.FromMinutes(10);
    public const int MinimumSample = 100;

    private DateTimeOffset _windowStart;
    private int _count;
    private int _slow;

    public EndpointHealth(DateTimeOffset now) => _windowStart = now;

    public DateTimeOffset? DelayedUntil { get; private set; }

    public bool Dropping { get; private set; }

    public void Roll(DateTimeOffset now)
    {
        if (now - _windowStart >= Window)
        {
            _windowStart = now;
            _count = 0;
            _slow = 0;
            Dropping = false;
        }
    }

    public void Record(DateTimeOffset now, int notifications, bool slow)
    {
        Roll(now);
        _count += notifications;
        if (slow)
        {
            _slow += notifications;
        }

        if (_count < MinimumSample)
        {
            return;
        }

        var ratio = (double)_slow / _count;
        if (ratio >= 0.15)
        {
            Dropping = true;
        }
        else if (ratio >= 0.10)
        {
            DelayedUntil = now + Delay;
        }
    }
}
