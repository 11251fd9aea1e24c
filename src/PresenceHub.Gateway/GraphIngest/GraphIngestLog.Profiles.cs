namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Profile ingest's log messages (event ids 2100-2149): ids and counts only, never profile text.</summary>
internal static partial class GraphIngestLog
{
    [LoggerMessage(2100, LogLevel.Warning, "Refreshing {Count} profiles of organization {Organization} failed; the next reconciliation repairs them")]
    public static partial void ProfileRefreshFailed(ILogger logger, int count, string organization, Exception exception);

    [LoggerMessage(2101, LogLevel.Debug, "Refreshed {Count} profiles of organization {Organization}: {Changed} changed, {Removed} removed, {Forgotten} forgotten")]
    public static partial void ProfilesRefreshed(ILogger logger, int count, string organization, int changed, int removed, int forgotten);

    [LoggerMessage(2102, LogLevel.Warning, "Fetching the profile of user {UserId} in organization {Organization} failed ({Status}); the next reconciliation retries")]
    public static partial void ProfileFetchFailed(ILogger logger, string userId, string organization, string status);

    [LoggerMessage(2103, LogLevel.Warning, "The profile refresh queue is full; dropped {Count} refreshes, which the next reconciliation repairs")]
    public static partial void ProfileQueueFull(ILogger logger, int count);
}
