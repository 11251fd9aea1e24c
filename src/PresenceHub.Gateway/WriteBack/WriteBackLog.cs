namespace PresenceHub.Gateway.WriteBack;

/// <summary>Write-back's log messages (event ids 4100-4199). They carry opaque ids, counts and reasons only.</summary>
internal static partial class WriteBackLog
{
    [LoggerMessage(4100, LogLevel.Warning, "Ignored {Count} write-back updates whose user id is not an Entra object id")]
    public static partial void NotAnObjectId(ILogger logger, int count);

    [LoggerMessage(4101, LogLevel.Warning, "User {UserId} of organization {Organization} does not exist in Graph; dropped its write-back session")]
    public static partial void UserNotFound(ILogger logger, string userId, string organization);

    [LoggerMessage(4102, LogLevel.Warning, "Graph {Operation} for user {UserId} of organization {Organization} failed ({Reason}, {Failures} in a row); retrying at {RetryAt:o}")]
    public static partial void WriteFailed(ILogger logger, string operation, string userId, string organization, string reason, int failures, DateTimeOffset retryAt);

    [LoggerMessage(4103, LogLevel.Warning, "A write-back pass failed; the next pass tries again")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(4104, LogLevel.Debug, "Graph {Operation} for user {UserId} of organization {Organization} done (refresh: {IsRefresh})")]
    public static partial void Written(ILogger logger, string operation, string userId, string organization, bool isRefresh);

    [LoggerMessage(4105, LogLevel.Warning, "Could not record the result of {Operation} for user {UserId} of organization {Organization}; its claim expires and it is written again")]
    public static partial void ResultNotRecorded(ILogger logger, string operation, string userId, string organization, Exception exception);

    [LoggerMessage(4106, LogLevel.Debug, "Write-back session of user {UserId} of organization {Organization} changed while being written; result left to the newer write")]
    public static partial void ClaimLost(ILogger logger, string userId, string organization);

    [LoggerMessage(4107, LogLevel.Information, "Write-back session of user {UserId} of organization {Organization} ended after the user left federation ({Outcome})")]
    public static partial void Ended(ILogger logger, string userId, string organization, string outcome);

    [LoggerMessage(4108, LogLevel.Debug, "User {UserId} of organization {Organization} left federation; their write-back session is cleared in Teams next")]
    public static partial void Leaving(ILogger logger, string userId, string organization);
}
