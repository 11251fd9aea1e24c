using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Profiles;

/// <summary>Registers the user directory.</summary>
public static class UserDirectoryExtensions
{
    /// <summary>
    /// Adds <see cref="IUserDirectory"/>: in memory by default, in Redis on the relay's connection and key prefix
    /// when <c>Relay:Mode</c> is <c>Redis</c>. Needs the relay's options (<c>AddPresenceRelay</c>).
    /// </summary>
    public static IHostApplicationBuilder AddUserDirectory(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUserDirectory();
        return builder;
    }

    internal static IServiceCollection AddUserDirectory(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<InMemoryUserDirectory>();
        services.TryAddSingleton<RedisUserDirectory>();
        services.TryAddSingleton<IUserDirectory>(sp => sp.GetRequiredService<IOptions<RelayOptions>>().Value.Mode == RelayMode.Redis
            ? sp.GetRequiredService<RedisUserDirectory>()
            : sp.GetRequiredService<InMemoryUserDirectory>());
        return services;
    }
}
