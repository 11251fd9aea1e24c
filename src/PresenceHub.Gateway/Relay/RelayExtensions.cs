using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Relay;

/// <summary>Registers the presence relay.</summary>
internal static class RelayExtensions
{
    /// <summary>
    /// Adds <see cref="IPresenceRelay"/> configured from the <c>Relay</c> section, kept where the state is
    /// (<see cref="StateExtensions.AddStore{TService, TInMemory, TRedis}"/>). Options are validated at start.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceRelay(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RelayOptions>()
            .BindConfiguration(RelayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<RelayTelemetry>();
        services.AddStore<IPresenceRelay, InMemoryPresenceRelay, RedisPresenceRelay>();
        return builder;
    }
}
