namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Log messages of the subscription checks between renewals (<see cref="Subscriptions.SubscriptionVerifier"/>).</summary>
internal static partial class GraphIngestLog
{
    [LoggerMessage(2110, LogLevel.Debug, "Checked {Count} subscriptions of organization {Organization} at Graph: {Lost} lost")]
    public static partial void SubscriptionsChecked(ILogger logger, int count, string organization, int lost);

    [LoggerMessage(2111, LogLevel.Warning, "Checking subscription {SubscriptionId} at Graph failed ({Status}); its renewal or next check finds out")]
    public static partial void SubscriptionCheckFailed(ILogger logger, string subscriptionId, string status);

    [LoggerMessage(2112, LogLevel.Warning, "Checking the subscriptions of organization {Organization} at Graph was interrupted; the next pass goes on")]
    public static partial void SubscriptionChecksInterrupted(ILogger logger, string organization, Exception exception);
}
