using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Registers every way a caller proves who they are: the operator's admin key, administrators' Entra tokens and the
/// console's local sign-in, Teams SSO, and connectors' keys and Entra app tokens. Which organization a caller acts
/// for, and whether the gateway serves it (<see cref="AdmittedOrganizations"/>), is decided in one place,
/// <see cref="CallerOrganization"/>.
/// </summary>
internal static class AccessExtensions
{
    public static IHostApplicationBuilder AddAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IConnectorKeyStore)))
        {
            return builder;
        }

        services.AddOptions<AdminKeyOptions>()
            .BindConfiguration(AdminKeyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<AdminConsoleOptions>()
            .BindConfiguration(AdminConsoleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<OrganizationsOptions>()
            .BindConfiguration(OrganizationsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<AdmittedOrganizations>();
        services.TryAddSingleton<IOrganizationAdmission>(sp => sp.GetRequiredService<AdmittedOrganizations>());
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, OrganizationRefusalResultHandler>();
        services.AddStore<IConnectorKeyStore, InMemoryConnectorKeyStore, RedisConnectorKeyStore>();
        services.TryAddSingleton<ConnectorCredentials>();
        builder.AddAdminAuthentication();
        builder.AddTeamsSsoAuthentication();
        builder.AddConnectorEntraAuthentication();
        return builder;
    }
}
