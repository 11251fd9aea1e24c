using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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
        services.TryAddSingleton<AdminListener>();
        var kestrelSection = builder.Configuration.GetSection("Kestrel");
        services.AddOptions<KestrelServerOptions>().Configure<AdminListener>((kestrel, listener) =>
            (kestrel.ConfigurationLoader ?? kestrel.Configure(kestrelSection))
                .Endpoint(AdminListener.EndpointName, endpoint => listener.Use(endpoint.ListenOptions)));
        services.AddStore<IConnectorKeyStore, InMemoryConnectorKeyStore, RedisConnectorKeyStore>();
        services.TryAddSingleton<ConnectorCredentials>();
        builder.AddAdminAuthentication();
        builder.AddTeamsSsoAuthentication();
        builder.AddConnectorEntraAuthentication();
        return builder;
    }

    /// <summary>
    /// Keeps every path under <c>/admin</c> to the admin listener (<see cref="AdminListener"/>): elsewhere it answers
    /// 404, as a path that does not exist. Says at start where the admin surface answers.
    /// </summary>
    public static WebApplication UseAdminListener(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var listener = app.Services.GetRequiredService<AdminListener>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminListener));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (listener.ServedEverywhere)
            {
                AccessLog.AdminSurfaceEverywhere(logger);
            }
            else if (!listener.IsConfigured)
            {
                AccessLog.AdminSurfaceOff(logger);
            }
        });
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(AdminListener.PathPrefix, StringComparison.OrdinalIgnoreCase) && !listener.Admits(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        return app;
    }
}
