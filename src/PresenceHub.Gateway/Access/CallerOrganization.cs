using System.Security.Claims;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// The one place where the organization a token's holder acts for is decided: the tenant of a validated Entra token
/// (<c>tid</c>, or its long claim name once Microsoft.Identity.Web mapped it). Administrators' tokens, Teams SSO
/// tokens and connectors' app tokens all go through it; a connector key carries its organization in its record.
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
}
