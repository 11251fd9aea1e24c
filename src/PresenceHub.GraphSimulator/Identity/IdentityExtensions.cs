using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PresenceHub.GraphSimulator.Identity;

internal static class IdentityExtensions
{
    public static IServiceCollection AddSimulatorIdentity(this IServiceCollection services)
    {
        services.TryAddSingleton<SigningKey>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<RefreshTokenStore>();
        services.TryAddSingleton<TokenEndpoint>();
        services.TryAddSingleton<OpenIdMetadata>();
        return services;
    }

    public static IEndpointRouteBuilder MapSimulatorIdentity(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/{tenant}/oauth2/v2.0/token", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, string tenant, TokenEndpoint token) => token.HandleAsync(context, tenant));
        endpoints.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant, OpenIdMetadata metadata) => metadata.Configuration(tenant, v2: true));
        endpoints.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant, OpenIdMetadata metadata) => metadata.Configuration(tenant, v2: false));
        endpoints.MapGet("/{tenant}/discovery/v2.0/keys", (SigningKey key) => Results.Json(key.ToJwks()));
        endpoints.MapGet("/{tenant}/discovery/keys", (SigningKey key) => Results.Json(key.ToJwks()));
        endpoints.MapGet("/common/discovery/instance", (string? authorization_endpoint, OpenIdMetadata metadata) => metadata.InstanceDiscovery(authorization_endpoint));
        return endpoints;
    }
}
