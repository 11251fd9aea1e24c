using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PresenceHub.Gateway.Graph.Subscriptions;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.Graph;

/// <summary>Registers Graph ingest: the webhook's checks, app-only Graph clients and subscription records.</summary>
internal static class GraphIngestExtensions
{
    public static IHostApplicationBuilder AddGraphIngest(this IHostApplicationBuilder builder)
    {
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
        services.TryAddSingleton<GraphIngestMetrics>();
        services.TryAddSingleton<LifecycleEventQueue>();
        services.TryAddSingleton<IGraphSubscriptionStore, InMemoryGraphSubscriptionStore>();
        services.TryAddSingleton<GraphAppClients>();
        services.TryAddSingleton<PresenceReconciler>();
        services.TryAddSingleton<SubscriptionOwnerTokens>();
        services.TryAddSingleton<IKeeperLease, SingleReplicaLease>();
        services.TryAddSingleton<IConsentStore, InMemoryConsentStore>();
        services.TryAddSingleton<SubscriptionKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionKeeper>());

        // Owners' delegated tokens live in Microsoft.Identity.Web's token cache: the distributed cache registered
        // here (memory) unless Redis registered one first.
        services.AddDistributedMemoryCache();
        services.AddDistributedTokenCaches();
        services.AddHttpClient(SubscriptionOwnerTokens.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GraphTrust.CreateHandler(sp.GetRequiredService<IOptions<GraphOptions>>().Value));

        services.AddHttpClient(GraphAppClients.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GraphTrust.CreateHandler(sp.GetRequiredService<IOptions<GraphOptions>>().Value))
            .AddStandardResilienceHandler();
        return builder;
    }
}
