namespace PresenceHub.Gateway.State;

/// <summary>The state's log messages (EventIds 3004, 3006 and 3007, kept from the relay's range). No personal data.</summary>
internal static partial class StateLog
{
    [LoggerMessage(3004, LogLevel.Warning, "Redis is unreachable")]
    public static partial void RedisUnavailable(ILogger logger, Exception? exception);

    [LoggerMessage(3006, LogLevel.Information, "Connection to Redis restored")]
    public static partial void RedisRestored(ILogger logger);

    [LoggerMessage(3007, LogLevel.Information,
        "Data Protection keys are kept in memory (State:Mode InMemory): owners' tokens and subscription secrets sealed with them do not survive a restart")]
    public static partial void EphemeralKeyRing(ILogger logger);
}
