using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.State;

/// <summary>
/// The one place where the gateway chooses between Redis and memory. Every store registers through
/// <see cref="AddStore{TService, TInMemory, TRedis}"/>; nothing else reads <see cref="StateOptions.Mode"/> to decide.
/// </summary>
internal static class StateExtensions
{
    /// <summary>Adds <see cref="StateOptions"/> (validated at start), the shared Redis connection and the clock.</summary>
    public static IServiceCollection AddState(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(StateProbe)))
        {
            return services;
        }

        services.AddOptions<StateOptions>()
            .Configure<IConfiguration>((options, configuration) => StateOptions.Bind(options, configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<StateProbe>();
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TService"/> as <typeparamref name="TRedis"/> when the state is in Redis, else as
    /// <typeparamref name="TInMemory"/>; both are singletons built by the container, and only the chosen one is built.
    /// </summary>
    internal static IServiceCollection AddStore<TService, TInMemory, TRedis>(this IServiceCollection services)
        where TService : class
        where TInMemory : class, TService
        where TRedis : class, TService
    {
        services.AddState();
        services.TryAddSingleton<TInMemory>();
        services.TryAddSingleton<TRedis>();
        services.TryAddSingleton<TService>(sp => Choose<TService>(sp, s => s.GetRequiredService<TInMemory>(), s => s.GetRequiredService<TRedis>()));
        return services;
    }

    /// <summary>As <see cref="AddStore{TService, TInMemory, TRedis}"/>, for stores the container cannot build alone.</summary>
    internal static IServiceCollection AddStore<TService>(
        this IServiceCollection services, Func<IServiceProvider, TService> inMemory, Func<IServiceProvider, TService> redis)
        where TService : class
    {
        services.AddState();
        services.TryAddSingleton(sp => Choose(sp, inMemory, redis));
        return services;
    }

    /// <summary>Configures <typeparamref name="TOptions"/> when the state is shared by replicas (Redis), e.g. to drop per-process caches.</summary>
    internal static IServiceCollection ConfigureWhenShared<TOptions>(this IServiceCollection services, Action<TOptions> configure)
        where TOptions : class
    {
        services.AddState();
        services.AddOptions<TOptions>().Configure<IOptions<StateOptions>>((options, state) =>
        {
            if (state.Value.IsShared)
            {
                configure(options);
            }
        });
        return services;
    }

    private static TService Choose<TService>(IServiceProvider services, Func<IServiceProvider, TService> inMemory, Func<IServiceProvider, TService> redis) =>
        services.GetRequiredService<IOptions<StateOptions>>().Value.Mode == StateMode.Redis ? redis(services) : inMemory(services);
}
