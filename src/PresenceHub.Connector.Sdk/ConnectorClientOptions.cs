using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// Settings of a <see cref="ConnectorClient"/>, bound from the <see cref="SectionName"/> configuration section
/// and validated when the client starts.
/// </summary>
public sealed partial class ConnectorClientOptions : IValidatableObject
{
    /// <summary>The configuration section: <c>PresenceHub:Connector</c>.</summary>
    public const string SectionName = "PresenceHub:Connector";

    /// <summary>The hub's gRPC address, e.g. <c>https://presencehub.contoso.com</c>. Required.</summary>
    [Required]
    public Uri? HubAddress { get; set; }

    /// <summary>
    /// The connector's stable id: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit. The hub
    /// keeps the acknowledged cursor per id. Required.
    /// </summary>
    [Required]
    public string ConnectorId { get; set; } = string.Empty;

    /// <summary>The connector's platform token, e.g. <c>slack</c> or <c>xmpp</c> (see <see cref="Presence.Platform"/>). Required.</summary>
    [Required]
    public string Platform { get; set; } = string.Empty;

    /// <summary>The connector software's version, sent to the hub for diagnostics. Default "0.0.0".</summary>
    [Required]
    public string ConnectorVersion { get; set; } = "0.0.0";

    /// <summary>
    /// A fixed bearer token: a hub-issued connector key. Set this or <see cref="AccessTokenProvider"/>; the provider
    /// wins when both are set.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Returns a bearer token for each call and each (re)connection, e.g. an Entra app token from Azure.Identity.
    /// Not bound from configuration.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>The first reconnect delay; later ones double up to <see cref="MaxReconnectDelay"/>, with jitter. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recent event ids the client remembers to drop duplicates. Default 10,000.</summary>
    [Range(16, 10_000_000)]
    public int DeduplicationWindow { get; set; } = 10_000;

    /// <summary>Deadline of each unary call (publish, last-known presence, identity). Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a connector id is well-formed.</summary>
    internal static bool IsValidConnectorId(string? connectorId) => connectorId is not null && ConnectorIdPattern().IsMatch(connectorId);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HubAddress is { } address && (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new($"{SectionName}:{nameof(HubAddress)} must be an absolute http or https address.", [nameof(HubAddress)]);
        }

        if (!IsValidConnectorId(ConnectorId))
        {
            yield return new(
                $"{SectionName}:{nameof(ConnectorId)} must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.",
                [nameof(ConnectorId)]);
        }

        if (!Presence.Platform.TryParse(Platform, out _))
        {
            yield return new(
                $"{SectionName}:{nameof(Platform)} must be a platform token such as 'slack': 1 to {Presence.Platform.MaxLength} letters, digits or '-'.",
                [nameof(Platform)]);
        }

        if (string.IsNullOrWhiteSpace(AccessToken) && AccessTokenProvider is null)
        {
            yield return new(
                $"{SectionName}:{nameof(AccessToken)} (a connector key) or an {nameof(AccessTokenProvider)} is required.",
                [nameof(AccessToken), nameof(AccessTokenProvider)]);
        }

        if (MinReconnectDelay > MaxReconnectDelay)
        {
            yield return new(
                $"{SectionName}:{nameof(MinReconnectDelay)} must not exceed {nameof(MaxReconnectDelay)}.",
                [nameof(MinReconnectDelay), nameof(MaxReconnectDelay)]);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectorIdPattern();
}
