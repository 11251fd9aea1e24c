using System.ComponentModel.DataAnnotations;

namespace PresenceHub.GraphSimulator;

/// <summary>
/// Settings of the Graph simulator. Bound from the <c>GraphSimulator</c> configuration section in process mode,
/// passed to <see cref="GraphSimulator.StartAsync"/> in-process. Validated at start.
/// </summary>
public sealed class GraphSimulatorOptions
{
    /// <summary>Configuration section name: <c>GraphSimulator</c>.</summary>
    public const string SectionName = "GraphSimulator";

    /// <summary>
    /// Where to write the simulator's CA certificate as PEM, so clients can trust it by configuration.
    /// Default: none (in-process callers read <see cref="GraphSimulator.CertificateAuthority"/>).
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// A CA certificate with its private key to issue the TLS certificate from, instead of generating one (so a test
    /// run or a demo can trust one CA across restarts). In process mode, see <see cref="CaKeyPath"/>.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? CertificateAuthority { get; set; }

    /// <summary>
    /// Process mode: where the CA's private key (PKCS#8 PEM) is kept. When both this file and
    /// <see cref="CaCertificatePath"/> exist at start, that CA is reused; otherwise a new CA is generated and both are
    /// written. Default: none (a new CA every start, key kept in memory only).
    /// </summary>
    public string? CaKeyPath { get; set; }

    /// <summary>
    /// Freeze the simulator clock: it moves only when advanced through the control API. Default false (the clock
    /// follows real time plus every advance).
    /// </summary>
    public bool FreezeClock { get; set; }

    /// <summary>Optional start instant of the simulator clock. Default: the real current time.</summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>
    /// Rich presence notifications include statusMessage, outOfOfficeSettings and sequenceNumber (unconfirmed in
    /// Graph's docs, so a switch). Default true.
    /// </summary>
    public bool IncludePresenceExtrasInNotifications { get; set; } = true;

    /// <summary>Apply Graph's slow-endpoint throttling (10 % slow: delay 10 min; 15 %: drop). Default false.</summary>
    public bool SlowEndpointThrottling { get; set; }

    /// <summary>Time a notification endpoint has to answer the validation handshake. Default 10 s (Graph's).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time a notification endpoint has to answer a delivery. Default 3 s (Graph's).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long failed deliveries are retried, on the simulator clock. Default 4 h (Graph's).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DeliveryRetryWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>First retry delay after a failed delivery; doubles on every further failure. Default 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long before a subscription expires the simulator sends <c>reauthorizationRequired</c> to its
    /// lifecycleNotificationUrl. Default 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReauthorizationNotice { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lifetime of issued access tokens. Default 1 h.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>getPresencesByUserId requests allowed per app per tenant per 30 s. Default 1,500 (Graph's).</summary>
    [Range(1, 1_000_000)]
    public int PresenceReadLimitPer30Seconds { get; set; } = 1500;

    /// <summary>Tenants (with their apps and users) registered at start.</summary>
    public IList<SimulatedTenant> Tenants { get; set; } = [];
}
