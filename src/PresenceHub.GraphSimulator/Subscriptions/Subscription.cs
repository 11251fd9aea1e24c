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

    private long _expirationTicks;

    /// <summary>Expiry (UTC). Renewals write it while deliveries read it, so it is stored atomically.</summary>
    public DateTimeOffset Expiration
    {
        get => new(Interlocked.Read(ref _expirationTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _expirationTicks, value.UtcTicks);
    }

    private volatile bool _deleted;

    public bool Deleted
    {
        get => _deleted;
        set => _deleted = value;
    }

    public bool IsLive(DateTimeOffset now) => !Deleted && Expiration > now;
}
