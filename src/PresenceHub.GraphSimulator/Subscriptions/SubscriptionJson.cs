using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Graph;

namespace PresenceHub.GraphSimulator.Subscriptions;

internal static class SubscriptionJson
{
    public static JsonObject Write(Subscription s) => new()
    {
        ["id"] = s.Id,
        ["resource"] = s.Resource,
        ["applicationId"] = s.ApplicationId,
        ["changeType"] = s.ChangeType,
        ["clientState"] = s.ClientState,
        ["notificationUrl"] = s.NotificationUrl,
        ["notificationQueryOptions"] = null,
        ["lifecycleNotificationUrl"] = s.LifecycleNotificationUrl,
        ["expirationDateTime"] = GraphJson.Date(s.Expiration),
        ["creatorId"] = s.CreatorId,
        ["includeResourceData"] = s.IncludeResourceData,
        ["latestSupportedTlsVersion"] = s.LatestSupportedTlsVersion,
        ["encryptionCertificate"] = s.EncryptionCertificate,
        ["encryptionCertificateId"] = s.EncryptionCertificateId,
        ["notificationUrlAppId"] = null,
    };
}
