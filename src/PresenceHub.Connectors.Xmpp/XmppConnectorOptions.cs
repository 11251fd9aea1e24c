using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp;

/// <summary>
/// Settings of the XMPP connector, bound from <see cref="SectionName"/> and validated at start. The hub side
/// (address, connector key, connector id) is the SDK's <c>PresenceHub:Connector</c> section.
/// </summary>
internal sealed partial class XmppConnectorOptions : IValidatableObject
{
    public const string SectionName = "Xmpp";

    /// <summary>Host name or address of the XMPP server's component port. Required.</summary>
    [Required]
    public string ServerHost { get; set; } = string.Empty;

    /// <summary>The server's component port (XEP-0114). Default 5347.</summary>
    [Range(1, 65535)]
    public int ServerPort { get; set; } = 5347;

    /// <summary>The domain the component serves, e.g. <c>teams.example.com</c>; Teams users are contacts under it. Required.</summary>
    [Required]
    public string ComponentDomain { get; set; } = string.Empty;

    /// <summary>The component secret shared with the server. Required.</summary>
    [Required]
    public string ComponentSecret { get; set; } = string.Empty;

    /// <summary>Directory for the hub cursor and the subscription list, so a restart resumes and loses no subscriber. Required.</summary>
    [Required]
    public string StateDirectory { get; set; } = string.Empty;

    /// <summary>Whether presence XMPP users direct at Teams contacts is published to the hub. Default true.</summary>
    public bool PublishUserPresence { get; set; } = true;

    /// <summary>
    /// Whether an XMPP user's bare JID is sent as the mail hint that links them to a Teams user, which fits servers whose
    /// addresses are the users' mail addresses. Default true; identity links set by an administrator win either way.
    /// </summary>
    public bool JidIsMailHint { get; set; } = true;

    /// <summary>Largest inbound stanza in bytes. Default 65536.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxStanzaBytes { get; set; } = XmppLimits.Default.MaxStanzaBytes;

    /// <summary>Bytes one inbound stream may carry before the component reconnects. Default 1 GiB.</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long MaxStreamBytes { get; set; } = XmppLimits.Default.MaxStreamBytes;

    /// <summary>Deepest element nesting in an inbound stanza. Default 16.</summary>
    [Range(2, 64)]
    public int MaxStanzaDepth { get; set; } = XmppLimits.Default.MaxDepth;

    /// <summary>First reconnect delay; later ones double up to <see cref="MaxReconnectDelay"/>, with jitter. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconnect delay. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval of whitespace keep-alives to the server. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long connecting and the handshake may take. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public XmppLimits Limits => new(MaxStanzaBytes, MaxStreamBytes, MaxStanzaDepth);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(ComponentDomain) && !DomainPattern().IsMatch(ComponentDomain))
        {
            yield return new($"{SectionName}:{nameof(ComponentDomain)} must be a domain name such as 'teams.example.com'.", [nameof(ComponentDomain)]);
        }

        if (MinReconnectDelay > MaxReconnectDelay)
        {
            yield return new($"{SectionName}:{nameof(MinReconnectDelay)} must not exceed {nameof(MaxReconnectDelay)}.",
                [nameof(MinReconnectDelay), nameof(MaxReconnectDelay)]);
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DomainPattern();
}
