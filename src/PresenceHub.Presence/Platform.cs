using System.Diagnostics.CodeAnalysis;

namespace PresenceHub.Presence;

/// <summary>
/// The platform a presence comes from or goes to: a lowercase token such as <c>teams</c> or <c>xmpp</c>.
/// Connectors for platforms not listed here use their own token (letters, digits and '-', at most 32).
/// </summary>
public readonly record struct Platform
{
    /// <summary>Longest accepted token.</summary>
    public const int MaxLength = 32;

    private readonly string? _id;

    private Platform(string id) => _id = id;

    /// <summary>The lowercase token.</summary>
    public string Id => _id ?? "unknown";

    /// <summary>Microsoft Teams, through Microsoft Graph.</summary>
    public static Platform Teams { get; } = new("teams");
    /// <summary>Slack.</summary>
    public static Platform Slack { get; } = new("slack");
    /// <summary>XMPP (RFC 6121).</summary>
    public static Platform Xmpp { get; } = new("xmpp");
    /// <summary>Matrix.</summary>
    public static Platform Matrix { get; } = new("matrix");
    /// <summary>Webex.</summary>
    public static Platform Webex { get; } = new("webex");
    /// <summary>Zoom.</summary>
    public static Platform Zoom { get; } = new("zoom");
    /// <summary>SIP phone systems speaking PIDF/RPID (RFC 3863/4480).</summary>
    public static Platform Sip { get; } = new("sip");

    /// <summary>Parses a platform token, case-insensitively.</summary>
    /// <exception cref="FormatException">The token is empty, too long or has characters other than letters, digits and '-'.</exception>
    public static Platform Parse(string? value) =>
        TryParse(value, out var platform)
            ? platform
            : throw new FormatException(
                $"'{value}' is not a platform id: use 1 to {MaxLength} letters, digits or '-', starting with a letter (e.g. 'slack').");

    /// <summary>Parses a platform token, case-insensitively, without throwing.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out Platform platform)
    {
        platform = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        platform = new Platform(value.ToLowerInvariant());
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
