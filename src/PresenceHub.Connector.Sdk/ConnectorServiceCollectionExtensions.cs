using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PresenceHub.Connector.Sdk;

/// <summary>Registers a <see cref="ConnectorClient"/> as a hosted service.</summary>
public static class ConnectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="ConnectorClient"/> that runs as a hosted service and passes events to
    /// <typeparamref name="THandler"/> (a singleton, which may take the <see cref="ConnectorClient"/> to publish).
    /// Options bind from <see cref="ConnectorClientOptions.SectionName"/>, then <paramref name="configure"/> applies;
    /// invalid options fail the host's start with a message naming the setting. Register an
    /// <see cref="ICursorStore"/> (e.g. <see cref="FileCursorStore"/>) to resume across restarts.
    /// </summary>
    public static IServiceCollection AddPresenceHubConnector<THandler>(
        this IServiceCollection services,
        Action<ConnectorClientOptions>? configure = null)
        where THandler : class, IConnectorHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IConnectorHandler, THandler>();
        return services.AddConnectorClient(configure);
    }

    /// <summary>
    /// Registers a <see cref="ConnectorClient"/> that runs as a hosted service and passes presence events to
    /// <paramref name="onPresence"/>; profile and withdrawn events are acknowledged and ignored. Options as in
    /// <see cref="AddPresenceHubConnector{THandler}"/>.
    /// </summary>
    public static IServiceCollection AddPresenceHubConnector(
        this IServiceCollection services,
        Func<PresenceEvent, CancellationToken, ValueTask> onPresence,
        Action<ConnectorClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(onPresence);
        services.TryAddSingleton<IConnectorHandler>(new DelegateConnectorHandler(onPresence));
        return services.AddConnectorClient(configure);
    }

    private static IServiceCollection AddConnectorClient(this IServiceCollection services, Action<ConnectorClientOptions>? configure)
    {
        var options = services.AddOptions<ConnectorClientOptions>()
            .BindConfiguration(ConnectorClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new ConnectorClient(
            provider.GetRequiredService<IOptions<ConnectorClientOptions>>().Value,
            provider.GetRequiredService<IConnectorHandler>,
            provider.GetService<ICursorStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<ConnectorClient>());
        return services;
    }
}
