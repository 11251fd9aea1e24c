namespace PresenceHub.Gateway.Privacy;

/// <summary>Consent lifecycle and erasure log messages (event ids 8000-8099): opaque ids, counts and reasons only.</summary>
internal static partial class PrivacyLog
{
    [LoggerMessage(8000, LogLevel.Information, "Removed user {UserId} of organization {Organization} from federation ({Reason}): {RelayEvents} relay events, {Subscriptions} subscriptions, {Links} identity links; {Pending} relay events await acknowledgement")]
    public static partial void Purged(ILogger logger, string userId, string organization, string reason, int relayEvents, int subscriptions, int links, int pending);

    [LoggerMessage(8001, LogLevel.Information, "Erased user {UserId} of organization {Organization}: {MetadataEntries} metadata entries, retention hold {Held}")]
    public static partial void Erased(ILogger logger, string userId, string organization, int metadataEntries, bool held);

    [LoggerMessage(8002, LogLevel.Warning, "Deleting subscription {SubscriptionId} of departing owner {UserId} in Graph failed ({Status}); it lapses at expiry and its notifications are dropped")]
    public static partial void OwnedSubscriptionNotDeleted(ILogger logger, string subscriptionId, string userId, string status);

    [LoggerMessage(8003, LogLevel.Warning, "Ending the owner session of user {UserId} of organization {Organization} failed")]
    public static partial void OwnerSessionNotEnded(ILogger logger, string userId, string organization, Exception exception);

    [LoggerMessage(8004, LogLevel.Debug, "Forgot {Count} more relay events of user {UserId} of organization {Organization}; {Pending} still await acknowledgement")]
    public static partial void RelayEventsForgotten(ILogger logger, int count, string userId, string organization, int pending);

    [LoggerMessage(8005, LogLevel.Warning, "Forgetting relay events of user {UserId} of organization {Organization} failed; the next pass retries")]
    public static partial void RelayForgetFailed(ILogger logger, string userId, string organization, Exception exception);

    [LoggerMessage(8010, LogLevel.Information, "User {UserId} of organization {Organization} no longer has the Teams app installed; removing them")]
    public static partial void Uninstalled(ILogger logger, string userId, string organization);

    [LoggerMessage(8011, LogLevel.Warning, "Checking the Teams app installation of user {UserId} of organization {Organization} failed ({Status}); the next sweep retries")]
    public static partial void InstallationCheckFailed(ILogger logger, string userId, string organization, string status);

    [LoggerMessage(8012, LogLevel.Debug, "Swept Teams app installations of {Count} users of organization {Organization}: {Removed} removed")]
    public static partial void Swept(ILogger logger, int count, string organization, int removed);

    [LoggerMessage(8013, LogLevel.Warning, "The installation change queue is full; dropped a check, which the next sweep repairs")]
    public static partial void InstallationQueueFull(ILogger logger);

    [LoggerMessage(8020, LogLevel.Information, "Retention hold of organization {Organization} set to {Held}")]
    public static partial void RetentionHoldChanged(ILogger logger, string organization, bool held);
}
