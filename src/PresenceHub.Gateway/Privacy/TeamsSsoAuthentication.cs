using Microsoft.Identity.Web;
using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.TeamsApp;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Validates the SSO tokens the Teams app sends (audience: our app) with Microsoft.Identity.Web, for any tenant,
/// against Entra ID's signing keys — or the simulator's, trusted by configuration.
/// </summary>
internal static class TeamsSsoAuthentication
{
    public const string Scheme = "TeamsSso";
    public const string Policy = "TeamsUser";

    public static IHostApplicationBuilder AddTeamsSsoAuthentication(this IHostApplicationBuilder builder)
    {
        var graph = builder.Configuration.GetSection(GraphOptions.SectionName);
        builder.Services.AddAuthentication()
            .AddMicrosoftIdentityWebApi(
                jwt =>
                {
                    jwt.SaveToken = true;
                    if (graph[nameof(GraphOptions.TrustedCaCertificatePath)] is { Length: > 0 } caPath)
                    {
                        jwt.BackchannelHttpHandler = GraphTrust.CreateHandler(new GraphOptions { TrustedCaCertificatePath = caPath });
                    }

                    var clientId = graph[nameof(GraphOptions.ClientId)];
                    // Teams issues tab SSO tokens for the application ID URI, api://{host}/{client id} by default.
                    var teamsApp = builder.Configuration.GetSection(TeamsAppOptions.SectionName).Get<TeamsAppOptions>();
                    var applicationIdUri = Guid.TryParse(clientId, out var id) ? teamsApp?.EffectiveApplicationIdUri(id) : null;
                    jwt.TokenValidationParameters.ValidAudiences = applicationIdUri is null
                        ? [clientId, $"api://{clientId}"]
                        : [clientId, $"api://{clientId}", applicationIdUri];
                },
                identity =>
                {
                    identity.Instance = graph[nameof(GraphOptions.AuthorityHost)] ?? "https://login.microsoftonline.com/";
                    identity.TenantId = "organizations";
                    identity.ClientId = graph[nameof(GraphOptions.ClientId)];
                },
                Scheme);
        // Microsoft.Identity.Web reads the issuer template of multi-tenant tokens with this client, which trusts
        // what Graph ingest trusts.
        builder.Services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = SubscriptionOwnerTokens.HttpClientName);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireClaim("http://schemas.microsoft.com/identity/claims/tenantid")
                .RequireClaim("http://schemas.microsoft.com/identity/claims/objectidentifier"));
        return builder;
    }
}
