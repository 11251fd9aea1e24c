namespace PresenceHub.GraphSimulator.Control;

/// <summary>Holds the current <see cref="FaultSettings"/> and consumes its counters atomically.</summary>
internal sealed class SimulatorFaults
{
    private readonly Lock _gate = new();
    private FaultSettings _settings;
    private long _graphCalls;

    public SimulatorFaults(GraphSimulatorOptions options) =>
        _settings = new FaultSettings
        {
            SlowEndpointThrottling = options.SlowEndpointThrottling,
            IncludePresenceExtras = options.IncludePresenceExtrasInNotifications,
        };

    public FaultSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    public void Set(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.DropNext);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.DuplicateNext);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.ThrottleEveryNthCall);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.RetryAfterSeconds);
        if (settings.DropPercentage is < 0 or > 100 || settings.DuplicatePercentage is < 0 or > 100 || settings.DelayPercentage is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "Percentages must be between 0 and 100.");
        }

        lock (_gate)
        {
            _settings = settings;
            _graphCalls = 0;
        }
    }

    /// <summary>Counts a Graph call; returns the Retry-After to answer with when this call must be throttled.</summary>
    public TimeSpan? CountGraphCall()
    {
        lock (_gate)
        {
            _graphCalls++;
            var n = _settings.ThrottleEveryNthCall;
            return n > 0 && _graphCalls % n == 0 ? TimeSpan.FromSeconds(_settings.RetryAfterSeconds) : null;
        }
    }

    /// <summary>Decides whether the next notification item is dropped.</summary>
    public bool ShouldDrop()
    {
        lock (_gate)
        {
            if (_settings.DropNext > 0)
            {
                _settings = _settings with { DropNext = _settings.DropNext - 1 };
                return true;
            }

            return _settings.DropPercentage > 0 && Random.Shared.NextDouble() * 100 < _settings.DropPercentage;
        }
    }

    /// <summary>Decides whether the next notification item is delivered twice.</summary>
    public bool ShouldDuplicate()
    {
        lock (_gate)
        {
            if (_settings.DuplicateNext > 0)
            {
                _settings = _settings with { DuplicateNext = _settings.DuplicateNext - 1 };
                return true;
            }

            return _settings.DuplicatePercentage > 0 && Random.Shared.NextDouble() * 100 < _settings.DuplicatePercentage;
        }
    }

    /// <summary>Decides whether the next notification item is held back for a later POST.</summary>
    public bool ShouldDelay()
    {
        lock (_gate)
        {
            return _settings.DelayPercentage > 0 && Random.Shared.NextDouble() * 100 < _settings.DelayPercentage;
        }
    }
}
