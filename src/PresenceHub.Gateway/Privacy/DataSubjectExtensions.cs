using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Registers data-subject requests and per-user privacy controls: the privacy settings and federation policy stores
/// (in memory, or in Redis when <c>Relay:Mode</c> is <c>Redis</c>), the relay wrapper that withholds the presence of
/// users who do not share out, and the export. Call after <c>AddPresenceRelay</c>.
/// </summary>
internal static class DataSubjectExtensions
{
    public static IHostApplicationBuilder AddDataSubjectRights(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(DataSubjectRecords)))
        {
            return builder;
        }

        services.AddPrivacyStores();
        services.AddSingleton<PrivacyControls>();
        services.AddSingleton<DataSubjectRecords>();

        // Every publisher resolves IPresenceRelay, so wrapping it is the single place where sharing out is enforced.
        var relay = services.LastOrDefault(d => d.ServiceType == typeof(IPresenceRelay))
            ?? throw new InvalidOperationException("AddDataSubjectRights needs the presence relay: call AddPresenceRelay first.");
        services.Remove(relay);
        services.AddSingleton<IPresenceRelay>(sp => new ShareOutRelay(Resolve(sp, relay), sp.GetRequiredService<IPrivacySettingsStore>()));
        return builder;
    }

    /// <summary>Privacy settings and federation policies in memory by default, in Redis (shared by replicas) when <c>Relay:Mode</c> is <c>Redis</c>.</summary>
    internal static IServiceCollection AddPrivacyStores(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<InMemoryPrivacySettingsStore>();
        services.TryAddSingleton<RedisPrivacySettingsStore>();
        services.TryAddSingleton<IPrivacySettingsStore>(sp => GraphIngestExtensions.SharesState(sp)
            ? sp.GetRequiredService<RedisPrivacySettingsStore>()
            : sp.GetRequiredService<InMemoryPrivacySettingsStore>());
        services.TryAddSingleton<InMemoryFederationPolicyStore>();
        services.TryAddSingleton<RedisFederationPolicyStore>();
        services.TryAddSingleton<IFederationPolicyStore>(sp => GraphIngestExtensions.SharesState(sp)
            ? sp.GetRequiredService<RedisFederationPolicyStore>()
            : sp.GetRequiredService<InMemoryFederationPolicyStore>());
        return services;
    }

    private static IPresenceRelay Resolve(IServiceProvider services, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: IPresenceRelay instance } => instance,
        { ImplementationFactory: { } factory } => (IPresenceRelay)factory(services),
        { ImplementationType: { } type } => (IPresenceRelay)ActivatorUtilities.GetServiceOrCreateInstance(services, type),
        _ => throw new InvalidOperationException("The presence relay's registration cannot be wrapped."),
    };
}
