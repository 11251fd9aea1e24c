using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Which federated platforms and domains an organization allows. A null list allows all; an empty list allows none.
/// </summary>
/// <param name="Platforms">The connector platforms (lowercase tokens such as <c>xmpp</c>) that may connect; null for any.</param>
/// <param name="Domains">
/// The address domains (lowercase, matched exactly) of platform users whose presence may be linked and published;
/// null for any. A platform user's domain is that of their platform user id when it is an address
/// (<c>alice@chat.example</c>, resource dropped), otherwise that of the mail hint; a user with neither has no
/// domain and is refused while a list is set.
/// </param>
internal sealed record FederationPolicy(IReadOnlyList<string>? Platforms, IReadOnlyList<string>? Domains)
{
    /// <summary>Everything allowed: the policy of an organization that set none.</summary>
    public static FederationPolicy Open { get; } = new(null, null);

    /// <summary>Whether connectors of <paramref name="platform"/> may federate.</summary>
    public bool AllowsPlatform(Platform platform) => Platforms is null || Platforms.Contains(platform.Id, StringComparer.Ordinal);

    /// <summary>Whether the platform user with this id (and mail hint) may federate.</summary>
    public bool AllowsPlatformUser(string platformUserId, string? mailHint) =>
        Domains is null || (DomainOf(platformUserId, mailHint) is { } domain && Domains.Contains(domain, StringComparer.Ordinal));

    /// <summary>The address domain of a platform user, lowercase; null when neither the id nor the mail hint is an address.</summary>
    public static string? DomainOf(string platformUserId, string? mailHint) => AddressDomain(platformUserId) ?? AddressDomain(mailHint);

    private static string? AddressDomain(string? address)
    {
        if (address is null)
        {
            return null;
        }

        var at = address.LastIndexOf('@');
        if (at < 0 || at == address.Length - 1)
        {
            return null;
        }

        var domain = address[(at + 1)..];
        var slash = domain.IndexOf('/', StringComparison.Ordinal);
        domain = (slash >= 0 ? domain[..slash] : domain).Trim().TrimEnd('.');
        return domain.Length > 0 ? domain.ToLowerInvariant() : null;
    }
}
