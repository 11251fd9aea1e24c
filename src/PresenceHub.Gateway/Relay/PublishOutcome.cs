namespace PresenceHub.Gateway.Relay;

/// <summary>What the relay did with one published update.</summary>
internal enum PublishOutcome
{
    /// <summary>Newer than the last-known presence: stored and fanned out to every connector.</summary>
    Accepted,

    /// <summary>Older than the last-known presence: dropped.</summary>
    Stale,

    /// <summary>The same version and the same presence as the last-known presence: dropped.</summary>
    Duplicate,

    /// <summary>
    /// The same version as the last-known presence but another presence: dropped, and never taken for a duplicate.
    /// One of the two is not the source's truth, so the publisher asks the source (Graph ingest reconciles the user).
    /// </summary>
    Conflict,

    /// <summary>The user does not share their presence out (paused, or sharing off): neither stored nor fanned out.</summary>
    Withheld,
}
