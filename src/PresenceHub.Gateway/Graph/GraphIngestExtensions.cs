using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Graph.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Graph;

/// <summary>
/// Registers Graph ingest: the webhook's checks, app-only Graph clients, subscription records and the profile
/// refresher with its user directory. Subscription records, consents, profiles, the keeper lease and the owners'
/// token cache live in memory by default and in Redis (on the relay's connection and key prefix) when
/// <c>Relay:Mode</c> is <c>Redis</c>, so every replica shares them.
/// </summary>
internal static class GraphIngestExtensions
{
    public static IHostApplicationBuilder AddGraphIngest(this IHostApplicationBuilder builder)
    {
        builder.AddMetadataLog();
        var services = builder.Services;
        services.AddOptions<GraphOptions>()
            .BindConfiguration(GraphOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EncryptionCertificateStore>();
        services.TryAddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GraphOptions>>().Value;
            var http = new HttpClient(GraphTrust.CreateHandler(options));
            return new ConfigurationManager<OpenIdConnectConfiguration>(
                options.EffectiveValidationTokenMetadataUrl.ToString(),
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(http) { RequireHttps = true });
        });
        services.TryAddSingleton<ValidationTokenValidator>();
        services.TryAddSingleton<PresenceVersionSource>();
        services.TryAddSingleton<ChangeNotificationProcessor>();
        services.TryAddSingleton<ChangeNotificationIntake>();
        services.TryAddSingleton<GraphIngestMetrics>();
        services.TryAddSingleton<LifecycleEventQueue>();
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<InMemoryGraphSubscriptionStore>();
        services.TryAddSingleton<RedisGraphSubscriptionStore>();
        services.TryAddSingleton<IGraphSubscriptionStore>(sp => SharesState(sp)
            ? sp.GetRequiredService<RedisGraphSubscriptionStore>()
            : sp.GetRequiredService<InMemoryGraphSubscriptionStore>());
        services.TryAddSingleton<GraphAppClients>();
        services.TryAddSingleton<PresenceReconciler>();
        services.TryAddSingleton<SubscriptionOwnerTokens>();
        services.TryAddSingleton<SingleReplicaLease>();
        services.TryAddSingleton<RedisKeeperLease>();
        services.TryAddSingleton<IKeeperLease>(sp => SharesState(sp)
            ? sp.GetRequiredService<RedisKeeperLease>()
            : sp.GetRequiredService<SingleReplicaLease>());
        services.AddConsentStore();
        services.AddUserPurge();
        services.AddUserDirectory();
        services.TryAddSingleton<ProfileRefreshQueue>();
        services.TryAddSingleton<ProfileRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<ProfileRefresher>());
        services.TryAddSingleton<SubscriptionActivity>();
        services.TryAddSingleton<SubscriptionKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionKeeper>());

        // Owners' delegated tokens live in Microsoft.Identity.Web's token cache, over the distributed cache chosen here
        // (Redis on the relay's multiplexer, or memory) before AddDistributedTokenCaches would add a memory one.
        services.AddOptions<RedisCacheOptions>().Configure<RedisRelayConnection, IOptions<RelayOptions>>((cache, connection, relay) =>
        {
            cache.InstanceName = relay.Value.KeyPrefix + ":msal:";
            cache.ConnectionMultiplexerFactory = async () => (await connection.DatabaseAsync().ConfigureAwait(false)).Multiplexer;
        });
        // With replicas, a per-process L1 copy would outlive a refresh or sign-out made by the replica that keeps.
        services.AddOptions<MsalDistributedTokenCacheAdapterOptions>().Configure<IOptions<RelayOptions>>((cache, relay) =>
            cache.DisableL1Cache |= relay.Value.Mode == RelayMode.Redis);
        services.TryAddSingleton<IDistributedCache>(sp => SharesState(sp)
            ? new OwnerTokenRedisCache(new RedisCache(sp.GetRequiredService<IOptions<RedisCacheOptions>>()))
            : new MemoryDistributedCache(sp.GetRequiredService<IOptions<MemoryDistributedCacheOptions>>()));
        services.AddDistributedTokenCaches();
        services.AddHttpClient(SubscriptionOwnerTokens.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GraphTrust.CreateHandler(sp.GetRequiredService<IOptions<GraphOptions>>().Value));

        services.AddHttpClient(GraphAppClients.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GraphTrust.CreateHandler(sp.GetRequiredService<IOptions<GraphOptions>>().Value))
            .AddStandardResilienceHandler();
        return builder;
    }

    /// <summary>Whether the relay, and so Graph ingest's state, lives in Redis shared by replicas.</summary>
    internal static bool SharesState(IServiceProvider services) =>
        services.GetRequiredService<IOptions<RelayOptions>>().Value.Mode == RelayMode.Redis;
}
