using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// The organizations the operator serves (<see cref="OrganizationsOptions"/>): every Entra token's organization
/// (<see cref="CallerOrganization"/>), every connector key's, the organizations the admin key administers, and the
/// organizations of change notifications and of the subscription keeper are checked here.
/// </summary>
internal sealed class AdmittedOrganizations(IOptions<OrganizationsOptions> options, ILogger<AdmittedOrganizations> logger) : IOrganizationAdmission
{
    private readonly bool _any = options.Value.AllowAny;

    private readonly HashSet<OrganizationId> _allowed = [.. options.Value.Allowed
        .Where(t => !string.IsNullOrWhiteSpace(t))
        .Select(OrganizationId.Parse)];

    /// <inheritdoc/>
    public bool IsAdmitted(OrganizationId organization) => _any || _allowed.Contains(organization);

    /// <summary>
    /// Whether <paramref name="organization"/> is admitted; a refusal is logged once here (ids only), and
    /// <paramref name="refusal"/> is the sentence to answer with.
    /// </summary>
    /// <param name="organization">The organization the caller acts for.</param>
    /// <param name="credential">How the caller came: <c>admin-token</c>, <c>teams-sso</c>, <c>connector-key</c>, <c>connector-app</c>, <c>admin-key</c>.</param>
    /// <param name="refusal">The answer to give when refused.</param>
    public bool Admits(OrganizationId organization, string credential, out string refusal)
    {
        if (IsAdmitted(organization))
        {
            refusal = "";
            return true;
        }

        AccessLog.OrganizationNotAdmitted(logger, organization.ToString(), credential);
        refusal = RefusalFor(organization);
        return false;
    }

    /// <summary>The one sentence a refused organization is answered with.</summary>
    public static string RefusalFor(OrganizationId organization) =>
        $"Organization {organization} is not served by this PresenceHub (Organizations:Allowed).";
}
