using System.Diagnostics.CodeAnalysis;

namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>
/// An XMPP address <c>local@domain/resource</c> (RFC 7622), parsed structurally. The component compares local parts
/// and domains case-insensitively, which is what PRECIS case mapping amounts to for the mail-derived addresses it serves.
/// </summary>
internal readonly record struct Jid(string? Local, string Domain, string? Resource)
{
    private const int MaxPartLength = 1023;

    /// <summary>The address without its resource.</summary>
    public Jid Bare => this with { Resource = null };

    public static bool TryParse(string? value, [NotNullWhen(true)] out Jid? jid)
    {
        jid = null;
        if (string.IsNullOrEmpty(value) || value.Length > 3 * MaxPartLength + 2)
        {
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? value : value[..slash];
        var resource = slash < 0 ? null : value[(slash + 1)..];
        var at = address.IndexOf('@', StringComparison.Ordinal);
        var local = at < 0 ? null : address[..at];
        var domain = at < 0 ? address : address[(at + 1)..];
        if (!IsPart(domain) || domain.Contains('@', StringComparison.Ordinal) || (local is not null && !IsPart(local)) ||
            (resource is not null && !IsPart(resource)))
        {
            return false;
        }

        jid = new Jid(local, domain.ToLowerInvariant(), resource);
        return true;
    }

    public override string ToString() =>
        (Local is null ? string.Empty : Local + "@") + Domain + (Resource is null ? string.Empty : "/" + Resource);

    private static bool IsPart(string part) => part.Length is > 0 and <= MaxPartLength && !part.Any(char.IsControl);
}
