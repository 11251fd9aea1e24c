using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Registers Graph ingest: the webhook's checks, the subscription keeper with its records and lease, the app
/// installation checks, reconciliation and the profile refresher. Its stores are kept where the state is
/// (<see cref="StateExtensions.AddStore{TService, TInMemory, TRedis}"/>). A composition that ingests also adds the
/// data-subject rights, which remove users who leave (<see cref="IUserRemoval"/>).
/// </summary>
internal static class GraphIngestExtensions
{
    public static IHostApplicationBuilder AddGraphIngest(this IHostApplicationBuilder builder)
    {
        builder.AddMetadataLog();
        var services = builder.Services;
        services.AddGraphApi();
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
        // Subscriptions' clientState is sealed with the key ring in Redis.
        services.AddKeyRing();
        services.AddStore<IGraphSubscriptionStore, InMemoryGraphSubscriptionStore, RedisGraphSubscriptionStore>();
        services.AddStore<IKeeperLease, SingleReplicaLease, RedisKeeperLease>();
        services.TryAddSingleton<PresenceReconciler>();
        services.AddPrivacy();
        services.TryAddSingleton<InstallationChangeQueue>();
        services.TryAddSingleton<AppInstallationSweeper>();
        services.AddUserDirectory();
        services.TryAddSingleton<ProfileRefreshQueue>();
        services.TryAddSingleton<ReconcileRequests>();
        services.TryAddSingleton<ProfileRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<ProfileRefresher>());
        services.TryAddSingleton<SubscriptionActivity>();
        services.TryAddSingleton<SubscriptionVerifier>();
        services.TryAddSingleton<SubscriptionKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionKeeper>());
        return builder;
    }
}
