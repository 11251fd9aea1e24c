using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.GraphSimulator.Subscriptions;

/// <summary>A live Graph subscription. <see cref="Expiration"/> and <see cref="Deleted"/> change; the rest is fixed.</summary>
internal sealed class Subscription
{
    public required string Id { get; init; }

    public required string Resource { get; init; }

    public required SubscriptionResource Target { get; init; }

    public required IReadOnlySet<string> ChangeTypes { get; init; }

    public required string ChangeType { get; init; }

    public required string NotificationUrl { get; init; }

    public string? LifecycleNotificationUrl { get; init; }

    public string? ClientState { get; init; }

    public bool IncludeResourceData { get; init; }

    public string? EncryptionCertificate { get; init; }

    public X509Certificate2? EncryptionKey { get; init; }

    public string? EncryptionCertificateId { get; init; }

    public required string ApplicationId { get; init; }

    public required string TenantId { get; init; }

    public string? CreatorId { get; init; }

    public string LatestSupportedTlsVersion { get; init; } = "v1_2";

    public DateTimeOffset Expiration { get; set; }

    public bool Deleted { get; set; }

    public bool IsLive(DateTimeOffset now) => !Deleted && Expiration > now;
}
