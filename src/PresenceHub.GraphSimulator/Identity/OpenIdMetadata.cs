using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Directory;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>OpenID Connect discovery documents and MSAL's instance discovery, pointing at the simulator's host.</summary>
internal sealed class OpenIdMetadata(SimulatorAddress address, SimulatorDirectory directory)
{
    private static readonly string[] MultiTenant = ["common", "organizations", "consumers"];

    public IResult Configuration(string tenant, bool v2)
    {
        string tenantInIssuer;
        if (MultiTenant.Contains(tenant, StringComparer.OrdinalIgnoreCase))
        {
            tenantInIssuer = "{tenantid}";
        }
        else if (directory.FindTenant(tenant) is { } t)
        {
            tenantInIssuer = t.Id;
        }
        else
        {
            return Results.Json(new JsonObject { ["error"] = "invalid_tenant", ["error_description"] = $"AADSTS90002: Tenant '{tenant}' not found." }, statusCode: 400);
        }

        var authority = address.Authority;
        var issuer = v2 ? $"{authority}/{tenantInIssuer}/v2.0" : GraphConstants.V1Issuer(tenantInIssuer);
        var version = v2 ? "/v2.0" : "";
        return Results.Json(new JsonObject
        {
            ["token_endpoint"] = $"{authority}/{tenant}/oauth2{version}/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["jwks_uri"] = $"{authority}/{tenant}/discovery{version}/keys",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["issuer"] = issuer,
            ["request_uri_parameter_supported"] = false,
            ["userinfo_endpoint"] = $"{authority}/oidc/userinfo",
            ["authorization_endpoint"] = $"{authority}/{tenant}/oauth2{version}/authorize",
            ["device_authorization_endpoint"] = $"{authority}/{tenant}/oauth2{version}/devicecode",
            ["http_logout_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["end_session_endpoint"] = $"{authority}/{tenant}/oauth2{version}/logout",
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "oid", "email"),
            ["tenant_region_scope"] = "WW",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_graph_host_name"] = "graph.windows.net",
            ["msgraph_host"] = "graph.microsoft.com",
            ["rbac_url"] = "https://pas.windows.net",
        });
    }

    /// <summary>MSAL's <c>/common/discovery/instance</c>: the simulator's host is its own only alias.</summary>
    public IResult InstanceDiscovery(string? authorizationEndpoint)
    {
        var host = address.BaseAddress.Authority;
        var tenant = "common";
        if (Uri.TryCreate(authorizationEndpoint, UriKind.Absolute, out var uri) && uri.Segments.Length > 1)
        {
            tenant = uri.Segments[1].TrimEnd('/');
        }

        return Results.Json(new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"{address.Authority}/{tenant}/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        });
    }
}
