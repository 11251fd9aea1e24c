
namespace PresenceHub.Gateway.Access;

/// <summary>
/// Validates Entra app tokens that connectors present for the hub's API (audience: our app) with
/// Microsoft.Identity.Web, from any tenant. The token's tenant is the connector's organization; which client apps
/// may connect is an allow-list (<c>Connectors:EntraClientIds</c>), so the API is authorized by ACL
/// rather than by app roles.
/// </summary>
internal static class ConnectorEntraAuthentication
{
    public const string Scheme = "ConnectorEntra";

    public static IHostApplicationBuilder AddConnectorEntraAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddEntraBearer(Scheme, configureIdentity: identity => identity.AllowWebApiToBeAuthorizedByACL = true);
        return builder;
    }
}
