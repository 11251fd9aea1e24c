using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// The one place where the organization a token's holder acts for is decided: the tenant of a validated Entra token
/// (<c>tid</c>, or its long claim name once Microsoft.Identity.Web mapped it). Administrators' tokens, Teams SSO
/// tokens and connectors' app tokens all go through it; a connector key carries its organization in its record.
/// It also decides admission: a token of an organization the operator does not serve (<see cref="AdmittedOrganizations"/>)
/// proves nothing here.
/// </summary>
internal static class CallerOrganization
{
    /// <summary>The tenant claim as Microsoft.Identity.Web maps <c>tid</c>.</summary>
    public const string TenantClaim = "http://schemas.microsoft.com/identity/claims/tenantid";

    /// <summary>The organization of <paramref name="principal"/>, false when its token names no valid tenant.</summary>
    public static bool TryFrom(ClaimsPrincipal principal, out OrganizationId organization)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return OrganizationId.TryParse(principal.FindFirstValue(TenantClaim) ?? principal.FindFirstValue("tid"), out organization);
    }

    /// <summary>
    /// The organization of <paramref name="principal"/> when the gateway serves it; otherwise false with the sentence
    /// to answer in <paramref name="refusal"/> (a token without tenant, or an organization not admitted, logged once).
    /// </summary>
    /// <param name="principal">The validated token's principal.</param>
    /// <param name="admitted">The organizations served.</param>
    /// <param name="credential">How the caller came, for the log line: <c>admin-token</c>, <c>teams-sso</c>, <c>connector-app</c>.</param>
    /// <param name="organization">The caller's organization.</param>
    /// <param name="refusal">The answer to give when refused.</param>
    public static bool TryAdmitted(
        ClaimsPrincipal principal, AdmittedOrganizations admitted, string credential,
        out OrganizationId organization, [NotNullWhen(false)] out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        if (!TryFrom(principal, out organization))
        {
            refusal = "The token has no tenant.";
            return false;
        }

        if (!admitted.Admits(organization, credential, out var sentence))
        {
            refusal = sentence;
            return false;
        }

        refusal = null;
        return true;
    }
}
