namespace PresenceHub.Gateway.GraphIngest;

// Graph ingest's shared state in Redis: event ids 2090-2099.
internal static partial class GraphIngestLog
{
    [LoggerMessage(2090, LogLevel.Information, "This replica now holds the subscription keeper lease")]
    public static partial void KeeperLeaseTaken(ILogger logger);

    [LoggerMessage(2091, LogLevel.Warning, "This replica lost the subscription keeper lease to another replica")]
    public static partial void KeeperLeaseLost(ILogger logger);

    [LoggerMessage(2092, LogLevel.Warning, "Redis is unreachable, so this replica stops keeping subscriptions until it can renew the keeper lease")]
    public static partial void KeeperLeaseUnknown(ILogger logger, Exception exception);

    [LoggerMessage(2093, LogLevel.Warning, "The keeper lease could not be released; another replica takes over when it expires")]
    public static partial void KeeperLeaseNotReleased(ILogger logger, Exception exception);
}
