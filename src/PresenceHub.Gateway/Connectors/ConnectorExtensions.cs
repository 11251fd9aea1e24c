using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Connectors;

/// <summary>Registers and maps the connector API: the gRPC service, its health and reflection, and its admin endpoints.</summary>
internal static class ConnectorExtensions
{
    public static IHostApplicationBuilder AddConnectorApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConnectorOptions>()
            .BindConfiguration(ConnectorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var maxMessage = builder.Configuration.GetValue<int?>($"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.MaxMessageBytes)}")
            ?? new ConnectorOptions().MaxMessageBytes;
        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = maxMessage);
        services.AddGrpcHealthChecks().AddCheck("connector-api", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        services.AddGrpcReflection();
        services.TryAddSingleton(TimeProvider.System);
        builder.AddAccess();
        services.AddPrivacy();
        services.AddStore<IIdentityLinkStore, InMemoryIdentityLinkStore, RedisIdentityLinkStore>();
        services.TryAddSingleton<ConnectorMetrics>();
        services.TryAddSingleton<ConnectorAuthenticator>();
        services.TryAddSingleton<ConnectorRateLimiter>();
        services.TryAddSingleton<IdentityResolver>();
        services.TryAddSingleton<ConnectorPublisher>();
        services.TryAddSingleton<ConnectorSessionServices>();
        services.TryAddSingleton<ConnectorSessionRegistry>();
        services.TryAddSingleton<ConnectorCallRules>();
        services.TryAddSingleton<ConnectorQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapConnectorApi(this IEndpointRouteBuilder endpoints)
    {
        var maxMessage = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConnectorOptions>>().Value.MaxMessageBytes;
        endpoints.MapGrpcService<ConnectorService>().Add(endpoint => ConnectorMessageLimit.NameTheLimit(endpoint, maxMessage));
        endpoints.MapGrpcHealthChecksService();
        if (endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConnectorOptions>>().Value.EnableReflection)
        {
            endpoints.MapGrpcReflectionService();
        }

        endpoints.MapConnectorAdminEndpoints();
        return endpoints;
    }
}
