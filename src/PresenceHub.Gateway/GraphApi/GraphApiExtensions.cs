using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.GraphApi;

/// <summary>
/// Registers calling Microsoft Graph: the <c>Graph</c> options (validated at start), app-only clients, the owners'
/// delegated tokens and their cache (Redis when the state is, so every replica shares them; else memory).
/// </summary>
internal static class GraphApiExtensions
{
    public static IServiceCollection AddGraphApi(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(GraphAppClients)))
        {
            return services;
        }

        services.AddOptions<GraphOptions>()
            .BindConfiguration(GraphOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddState();
        services.AddKeyRing();
        services.TryAddSingleton<GraphAppClients>();
        services.TryAddSingleton<SubscriptionOwnerTokens>();

        // Owners' delegated tokens live in Microsoft.Identity.Web's token cache, over the distributed cache chosen here
        // before AddDistributedTokenCaches would add a memory one.
        services.AddOptions<RedisCacheOptions>().Configure<RedisConnection, IOptions<StateOptions>>((cache, connection, state) =>
        {
            cache.InstanceName = state.Value.KeyPrefix + ":msal:";
            cache.ConnectionMultiplexerFactory = async () => (await connection.DatabaseAsync().ConfigureAwait(false)).Multiplexer;
        });
        // With replicas, a per-process L1 copy would outlive a refresh or sign-out made by the replica that keeps.
        services.ConfigureWhenShared<MsalDistributedTokenCacheAdapterOptions>(cache => cache.DisableL1Cache = true);
        // Refresh, access and ID tokens (with their owners' UPNs and names) are sealed with the state's key ring
        // before they reach the distributed cache, so Redis and its append-only file never hold them in clear.
        services.Configure<MsalDistributedTokenCacheAdapterOptions>(cache => cache.Encrypt = true);
        services.AddStore<IDistributedCache>(
            inMemory: sp => new MemoryDistributedCache(sp.GetRequiredService<IOptions<MemoryDistributedCacheOptions>>()),
            redis: sp => new OwnerTokenRedisCache(new RedisCache(sp.GetRequiredService<IOptions<RedisCacheOptions>>())));
        services.AddDistributedTokenCaches();
        services.AddHttpClient(SubscriptionOwnerTokens.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GraphTrust.CreateHandler(sp.GetRequiredService<IOptions<GraphOptions>>().Value));
        services.AddHttpClient(GraphAppClients.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GraphTrust.CreateHandler(sp.GetRequiredService<IOptions<GraphOptions>>().Value))
            .AddStandardResilienceHandler();
        return services;
    }
}
