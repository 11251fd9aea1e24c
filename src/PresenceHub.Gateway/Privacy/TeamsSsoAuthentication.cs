using Microsoft.Identity.Web;
using PresenceHub.Gateway.Graph;

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
                    jwt.TokenValidationParameters.ValidAudiences = [clientId, $"api://{clientId}"];
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
