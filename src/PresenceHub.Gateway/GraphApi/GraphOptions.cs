using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.GraphApi;

/// <summary>How the gateway reaches Microsoft Graph and Entra ID, and how Graph reaches the gateway.</summary>
internal sealed class GraphOptions : IValidatableObject
{
    public const string SectionName = "Graph";

    /// <summary>The application (client) id of PresenceHub's app registration.</summary>
    [Required]
    public Guid ClientId { get; set; }

    /// <summary>The app's client secret; set this or <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A PEM or PFX file with the app's client certificate and private key; set this or <see cref="ClientSecret"/>.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The password of a PFX <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>Entra ID's authority host. Only a sovereign cloud or the Graph simulator changes it.</summary>
    [Required]
    public Uri AuthorityHost { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Graph's base URL, with the version segment.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0/");

    /// <summary>
    /// Where the signing keys of Graph's validation tokens are published. Defaults to the common OpenID
    /// configuration under <see cref="AuthorityHost"/>.
    /// </summary>
    public Uri? ValidationTokenMetadataUrl { get; set; }

    /// <summary>
    /// A PEM file of certificate authorities to trust for Graph and Entra ID in addition to none: set only for the
    /// Graph simulator, whose certificate is self-issued. Certificate validation is never turned off.
    /// </summary>
    public string? TrustedCaCertificatePath { get; set; }

    /// <summary>The public HTTPS URL Graph posts change notifications to (this gateway's <c>/graph/notifications</c>).</summary>
    public Uri? NotificationUrl { get; set; }

    /// <summary>The public HTTPS URL Graph posts lifecycle notifications to (this gateway's <c>/graph/lifecycle</c>).</summary>
    public Uri? LifecycleNotificationUrl { get; set; }

    /// <summary>Certificates that decrypt rich notifications. The first encrypts new subscriptions; the others still decrypt during a rotation.</summary>
    public List<EncryptionCertificateOptions> EncryptionCertificates { get; set; } = [];

    /// <summary>Largest notification body accepted, in bytes.</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int MaxNotificationBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a presence subscription is requested for (Graph allows 45 to 60 minutes).</summary>
    [Range(typeof(TimeSpan), "00:45:00", "01:00:00", ErrorMessage = "Graph:PresenceSubscriptionLifetime must be between 45 and 60 minutes.")]
    public TimeSpan PresenceSubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// How long the app-only <c>/users</c> subscription that turns profile changes into profile events is requested
    /// for (Graph allows up to 41,760 minutes). Default 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "29.00:00:00", ErrorMessage = "Graph:ProfileSubscriptionLifetime must be between 1 hour and 29 days (41,760 minutes).")]
    public TimeSpan ProfileSubscriptionLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long before expiry a subscription is renewed at the latest; each subscription adds its own jitter of up to <see cref="RenewalJitter"/>.</summary>
    [Range(typeof(TimeSpan), "00:02:00", "00:40:00", ErrorMessage = "Graph:RenewBeforeExpiry must be between 2 and 40 minutes.")]
    public TimeSpan RenewBeforeExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Spread of renewal times, so subscriptions created together are not renewed in the same second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:20:00", ErrorMessage = "Graph:RenewalJitter must be between 0 and 20 minutes.")]
    public TimeSpan RenewalJitter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the subscription keeper looks at every organization.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Graph:KeeperInterval must be between 1 second and 10 minutes.")]
    public TimeSpan KeeperInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often every consenting user's presence is polled to repair notifications Graph dropped silently.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ErrorMessage = "Graph:ReconcileInterval must be between 5 seconds and 1 hour.")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often consenting users without push are polled: those no presence subscription covers, for lack of a
    /// signed-in owner. Polling is their only source of changes, checked on each keeper pass. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ErrorMessage = "Graph:UnpushedReconcileInterval must be between 5 seconds and 1 hour.")]
    public TimeSpan UnpushedReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often each subscription is checked at Graph between renewals (<c>GET /subscriptions/{id}</c>, each at its own
    /// point in the interval), so one Graph lost without a lifecycle notification is recreated within this plus one
    /// <see cref="KeeperInterval"/> instead of at its next renewal. Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00", ErrorMessage = "Graph:SubscriptionCheckInterval must be between 30 seconds and 30 minutes.")]
    public TimeSpan SubscriptionCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most subscription calls (create, renew, check, reauthorize, delete) per 20 seconds; Graph allows 1,000 writes per app and tenant.</summary>
    [Range(1, 1000, ErrorMessage = "Graph:SubscriptionCallsPer20Seconds must be between 1 and 1,000.")]
    public int SubscriptionCallsPer20Seconds { get; set; } = 300;

    /// <summary>Most getPresencesByUserId calls per 30 seconds; Graph allows 1,500 per app and tenant.</summary>
    [Range(1, 1500, ErrorMessage = "Graph:PresenceReadsPer30Seconds must be between 1 and 1,500.")]
    public int PresenceReadsPer30Seconds { get; set; } = 1000;

    /// <summary>The validation-token metadata URL in effect.</summary>
    public Uri EffectiveValidationTokenMetadataUrl =>
        ValidationTokenMetadataUrl ?? new Uri(AuthorityHost, "common/.well-known/openid-configuration");

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientId == Guid.Empty)
        {
            yield return new ValidationResult("Graph:ClientId must be the application (client) id of PresenceHub's app registration.", [nameof(ClientId)]);
        }

        if (EncryptionCertificates.Count == 0)
        {
            yield return new ValidationResult(
                "Graph:EncryptionCertificates needs at least one certificate (Id and Path) to decrypt rich presence notifications.",
                [nameof(EncryptionCertificates)]);
        }

        if (string.IsNullOrEmpty(ClientSecret) == string.IsNullOrEmpty(ClientCertificatePath))
        {
            yield return new ValidationResult(
                "Set exactly one of Graph:ClientSecret and Graph:ClientCertificatePath.",
                [nameof(ClientSecret), nameof(ClientCertificatePath)]);
        }

        if (SubscriptionCheckInterval < KeeperInterval)
        {
            yield return new ValidationResult(
                "Graph:SubscriptionCheckInterval must not be shorter than Graph:KeeperInterval, which is how often subscriptions can be checked.",
                [nameof(SubscriptionCheckInterval), nameof(KeeperInterval)]);
        }

        if (AuthorityHost is { Scheme: not "https" })
        {
            yield return new ValidationResult("Graph:AuthorityHost must be an https URL.", [nameof(AuthorityHost)]);
        }

        for (var i = 0; i < EncryptionCertificates.Count; i++)
        {
            var certificate = EncryptionCertificates[i];
            if (string.IsNullOrWhiteSpace(certificate.Id) || certificate.Id.Length > 128)
            {
                yield return new ValidationResult($"Graph:EncryptionCertificates:{i}:Id must be 1 to 128 characters.", [nameof(EncryptionCertificates)]);
            }

            if (string.IsNullOrWhiteSpace(certificate.Path))
            {
                yield return new ValidationResult($"Graph:EncryptionCertificates:{i}:Path must name a PEM or PFX file.", [nameof(EncryptionCertificates)]);
            }
        }

        if (EncryptionCertificates.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() != EncryptionCertificates.Count)
        {
            yield return new ValidationResult("Graph:EncryptionCertificates ids must be unique.", [nameof(EncryptionCertificates)]);
        }
    }
}
