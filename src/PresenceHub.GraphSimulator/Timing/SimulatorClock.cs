namespace PresenceHub.GraphSimulator.Timing;

/// <summary>
/// The simulator's controllable clock: real time plus an offset, or frozen at a fixed instant.
/// Expiry, presence sessions, retries and lifecycle notices all read it; <see cref="Advance"/> moves it forward.
/// </summary>
internal sealed class SimulatorClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly Lock _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset? _frozenAt;

    public SimulatorClock(TimeProvider real, bool frozen, DateTimeOffset? start)
    {
        _real = real;
        var now = _real.GetUtcNow();
        if (start is { } s)
        {
            _offset = s - now;
        }

        if (frozen)
        {
            _frozenAt = now + _offset;
        }
    }

    /// <summary>Raised after the clock moved forward by <see cref="Advance"/>.</summary>
    public event Action? Advanced;

    public bool IsFrozen
    {
        get
        {
            lock (_gate)
            {
                return _frozenAt is not null;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _frozenAt ?? _real.GetUtcNow() + _offset;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_gate)
        {
            if (_frozenAt is { } f)
            {
                _frozenAt = f + delta;
            }
            else
            {
                _offset += delta;
            }
        }

        Advanced?.Invoke();
    }
}
