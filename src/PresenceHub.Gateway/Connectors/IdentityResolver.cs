using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Finds which Teams user a platform user is, within one organization: the administrator's override first, then a
/// unique match of the mail hint against the mail or user principal name of consenting users. Only consenting users
/// are ever returned. A platform, or a platform user's address domain, that the organization's federation policy does
/// not allow is refused before anything is looked up.
/// </summary>
internal sealed class IdentityResolver(IIdentityLinkStore links, IUserDirectory directory, IConsentStore consents, IFederationPolicyStore policies)
{
    public async Task<IdentityMatchResult> ResolvePlatformUserAsync(
        OrganizationId organization, Platform platform, string platformUserId, string? mailHint, CancellationToken cancellationToken)
    {
        if (Refusal(await policies.GetAsync(organization, cancellationToken).ConfigureAwait(false), platform, platformUserId, mailHint) is { } refusal)
        {
            return IdentityMatchResult.Refused(refusal);
        }

        if (await links.FindTeamsUserAsync(organization, platform, platformUserId, cancellationToken).ConfigureAwait(false) is { } linked)
        {
            return (await consents.AreConsentingAsync(organization, [linked], cancellationToken).ConfigureAwait(false))[0]
                ? new IdentityMatchResult(IdentityMatchKind.Override, linked)
                : IdentityMatchResult.None;
        }

        return string.IsNullOrWhiteSpace(mailHint)
            ? IdentityMatchResult.None
            : await ResolveAddressAsync(organization, mailHint.Trim(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Matches a platform user known only by their mail address, if the federation policy allows its domain.</summary>
    public async Task<IdentityMatchResult> ResolvePlatformAddressAsync(OrganizationId organization, string mail, CancellationToken cancellationToken) =>
        Refusal(await policies.GetAsync(organization, cancellationToken).ConfigureAwait(false), null, mail, null) is { } refusal
            ? IdentityMatchResult.Refused(refusal)
            : await ResolveAddressAsync(organization, mail, cancellationToken).ConfigureAwait(false);

    /// <summary>Why the policy refuses a platform user; null when it allows them.</summary>
    public static string? Refusal(FederationPolicy policy, Platform? platform, string platformUserId, string? mailHint)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (platform is { } p && !policy.AllowsPlatform(p))
        {
            return $"The organization's federation policy does not allow platform '{p.Id}'.";
        }

        if (!policy.AllowsPlatformUser(platformUserId, mailHint))
        {
            return FederationPolicy.DomainOf(platformUserId, mailHint) is { } domain
                ? $"The organization's federation policy does not allow domain '{domain}'."
                : "The organization's federation policy allows only listed domains, and this platform user has no address domain (send a mail hint).";
        }

        return null;
    }

    /// <summary>Matches a mail address or user principal name against consenting users.</summary>
    public async Task<IdentityMatchResult> ResolveAddressAsync(OrganizationId organization, string address, CancellationToken cancellationToken)
    {
        var found = await directory.FindByAddressAsync(organization, address, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return IdentityMatchResult.None;
        }

        var consenting = await consents.AreConsentingAsync(organization, found.Select(p => p.UserId).ToList(), cancellationToken).ConfigureAwait(false);
        var candidates = found.Where((_, i) => consenting[i]).ToList();
        if (candidates.Count > 1)
        {
            return new IdentityMatchResult(IdentityMatchKind.Ambiguous, null);
        }

        if (candidates.Count == 0)
        {
            return IdentityMatchResult.None;
        }

        var match = candidates[0];
        var byMail = string.Equals(match.Mail, address, StringComparison.OrdinalIgnoreCase);
        return new IdentityMatchResult(byMail ? IdentityMatchKind.Mail : IdentityMatchKind.UserPrincipalName, match.UserId);
    }
}
