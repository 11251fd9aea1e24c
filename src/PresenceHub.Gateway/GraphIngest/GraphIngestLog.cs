namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Graph ingest's log messages (event ids 2000-2099, and 8300 for abandoned POSTs). They carry counts and opaque ids only.</summary>
internal static partial class GraphIngestLog
{
    [LoggerMessage(2080, LogLevel.Warning, "Refused a notification validation token ({Reason}); {Suppressed} more refusals for this reason since the last line, which presencehub.webhook.validation_tokens.refused counts")]
    public static partial void ValidationTokenRefused(ILogger logger, string reason, int suppressed);

    [LoggerMessage(2000, LogLevel.Warning, "The relay is unavailable; answered 503 so Graph retries {Count} presence events")]
    public static partial void RelayUnavailable(ILogger logger, int count, Exception exception);

    [LoggerMessage(8300, LogLevel.Information, "Graph abandoned a notification POST before it was answered ({Reason}); Graph delivers it again")]
    public static partial void NotificationPostAbandoned(ILogger logger, string reason);

    [LoggerMessage(2001, LogLevel.Information, "Created {Kind} subscription {SubscriptionId} in organization {Organization} for {UserCount} users")]
    public static partial void SubscriptionCreated(ILogger logger, string kind, string subscriptionId, string organization, int userCount);

    [LoggerMessage(2002, LogLevel.Information, "Renewed subscription {SubscriptionId} until {ExpiresAt:o}")]
    public static partial void SubscriptionRenewed(ILogger logger, string subscriptionId, DateTimeOffset expiresAt);

    [LoggerMessage(2003, LogLevel.Warning, "Subscription {SubscriptionId} is gone or could not be renewed ({Reason}); recreating it")]
    public static partial void SubscriptionLost(ILogger logger, string subscriptionId, string reason);

    [LoggerMessage(2004, LogLevel.Information, "Lifecycle event {LifecycleEvent} for subscription {SubscriptionId}")]
    public static partial void LifecycleEvent(ILogger logger, string lifecycleEvent, string subscriptionId);

    [LoggerMessage(2005, LogLevel.Information, "Reconciled {UserCount} users of organization {Organization}: {Corrections} corrections")]
    public static partial void Reconciled(ILogger logger, int userCount, string organization, int corrections);

    [LoggerMessage(2094, LogLevel.Warning, "Organization {Organization} has consents but is not admitted (Organizations:Allowed); the keeper leaves it alone")]
    public static partial void OrganizationNotAdmitted(ILogger logger, string organization);

    [LoggerMessage(2006, LogLevel.Warning, "Subscription work for organization {Organization} failed; retrying on the next pass")]
    public static partial void SubscriptionPassFailed(ILogger logger, string organization, Exception exception);

    [LoggerMessage(2007, LogLevel.Warning, "Reconciliation of organization {Organization} failed; retrying on the next pass")]
    public static partial void ReconciliationFailed(ILogger logger, string organization, Exception exception);

    [LoggerMessage(2008, LogLevel.Warning, "{Count} consenting users of organization {Organization} have no subscription owner: too few signed-in owners")]
    public static partial void UsersWithoutOwner(ILogger logger, int count, string organization);

    [LoggerMessage(2009, LogLevel.Warning, "A subscription keeping pass failed; the next pass tries again")]
    public static partial void KeeperPassFailed(ILogger logger, Exception exception);
}
