using Microsoft.Identity.Web;
using PresenceHub.Gateway.Graph;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Validates Entra app tokens that connectors present for the hub's API (audience: our app) with
/// Microsoft.Identity.Web, from any tenant. The token's tenant is the connector's organization; which client apps
/// may connect is an allow-list (<see cref="ConnectorOptions.EntraClientIds"/>), so the API is authorized by ACL
/// rather than by app roles.
/// </summary>
internal static class ConnectorEntraAuthentication
{
    public const string Scheme = "ConnectorEntra";

    public static IHostApplicationBuilder AddConnectorEntraAuthentication(this IHostApplicationBuilder builder)
    {
        var graph = builder.Configuration.GetSection(GraphOptions.SectionName);
        builder.Services.AddAuthentication()
            .AddMicrosoftIdentityWebApi(
                jwt =>
                {
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
                    identity.AllowWebApiToBeAuthorizedByACL = true;
                },
                Scheme);
        return builder;
    }
}
