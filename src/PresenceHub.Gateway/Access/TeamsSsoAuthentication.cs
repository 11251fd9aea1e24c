using System.Security.Claims;
using Microsoft.Identity.Web;
using PresenceHub.Gateway.TeamsApp;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Validates the SSO tokens the Teams app sends (audience: our app) with Microsoft.Identity.Web, for any tenant,
/// against Entra ID's signing keys — or the simulator's, trusted by configuration; the policy then admits only
/// users of the organizations served (<see cref="AdmittedOrganizationRequirement"/>).
/// </summary>
internal static class TeamsSsoAuthentication
{
    public const string Scheme = "TeamsSso";
    public const string Policy = "TeamsUser";

    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static IHostApplicationBuilder AddTeamsSsoAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddEntraBearer(Scheme, jwt =>
        {
            jwt.SaveToken = true;
            // Teams issues tab SSO tokens for the application ID URI, api://{host}/{client id} by default.
            var clientId = builder.Configuration.GetSection(GraphOptions.SectionName)[nameof(GraphOptions.ClientId)];
            var teamsApp = builder.Configuration.GetSection(TeamsAppOptions.SectionName).Get<TeamsAppOptions>();
            if (Guid.TryParse(clientId, out var id) && teamsApp?.EffectiveApplicationIdUri(id) is { } applicationIdUri)
            {
                jwt.TokenValidationParameters.ValidAudiences = [.. jwt.TokenValidationParameters.ValidAudiences, applicationIdUri];
            }
        });
        // Microsoft.Identity.Web reads the issuer template of multi-tenant tokens with this client, which trusts
        // what Graph ingest trusts.
        builder.Services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = SubscriptionOwnerTokens.HttpClientName);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireClaim(CallerOrganization.TenantClaim)
                .RequireClaim(ObjectIdClaim)
                .AddRequirements(new AdmittedOrganizationRequirement()));
        return builder;
    }

    /// <summary>The signed-in Teams user's organization and object id, from their SSO token (<see cref="Policy"/> requires both claims).</summary>
    public static (OrganizationId Organization, string UserId) Caller(ClaimsPrincipal user) =>
        (CallerOrganization.TryFrom(user, out var organization) ? organization : throw new InvalidOperationException("The Teams SSO policy admits only tokens with a tenant."),
         Guid.Parse(user.FindFirstValue(ObjectIdClaim)!).ToString("D"));
}
