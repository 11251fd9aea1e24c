using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.Relay;

/// <summary>Registers the presence relay.</summary>
public static class RelayExtensions
{
    /// <summary>
    /// Adds <see cref="IPresenceRelay"/> configured from the <c>Relay</c> section: in memory by default, Redis when
    /// <c>Relay:Mode</c> is <c>Redis</c>. Options are validated at start.
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
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RelayTelemetry>();
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<InMemoryPresenceRelay>();
        services.TryAddSingleton<RedisPresenceRelay>();
        services.TryAddSingleton<IPresenceRelay>(sp => sp.GetRequiredService<IOptions<RelayOptions>>().Value.Mode switch
        {
            RelayMode.Redis => sp.GetRequiredService<RedisPresenceRelay>(),
            _ => sp.GetRequiredService<InMemoryPresenceRelay>(),
        });
        return builder;
    }
}
