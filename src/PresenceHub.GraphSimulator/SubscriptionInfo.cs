namespace PresenceHub.GraphSimulator;

/// <summary>A live subscription as the simulator holds it.</summary>
/// <param name="Id">Subscription id.</param>
/// <param name="Resource">Resource as requested.</param>
/// <param name="TenantId">Tenant of the creating token.</param>
/// <param name="ApplicationId">App id of the creating token.</param>
/// <param name="CreatorId">User id of a delegated creator; empty for app-only.</param>
/// <param name="NotificationUrl">Notification URL.</param>
/// <param name="LifecycleNotificationUrl">Lifecycle notification URL, or null.</param>
/// <param name="Expiration">Expiry on the simulator clock.</param>
/// <param name="IncludeResourceData">Whether notifications are rich (encrypted resource data).</param>
public sealed record SubscriptionInfo(
    string Id,
    string Resource,
    string TenantId,
    string ApplicationId,
    string? CreatorId,
    string NotificationUrl,
    string? LifecycleNotificationUrl,
    DateTimeOffset Expiration,
    bool IncludeResourceData);
