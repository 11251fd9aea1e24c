namespace PresenceHub.Gateway.Relay;

/// <summary>What the relay did with one published update.</summary>
internal enum PublishOutcome
{
    /// <summary>Newer than the last-known presence: stored and fanned out to every connector.</summary>
    Accepted,

    /// <summary>Older than the last-known presence: dropped.</summary>
    Stale,

    /// <summary>The same version as the last-known presence: dropped.</summary>
    Duplicate,

    /// <summary>The user does not share their presence out (paused, or sharing off): neither stored nor fanned out.</summary>
    Withheld,
}
