using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Registers consent: who takes part in federation, and how they join (Teams SSO) or are assigned (admin).</summary>
internal static class PrivacyExtensions
{
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminKeyOptions>()
            .BindConfiguration(AdminKeyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddConsentStore();
        builder.Services.AddUserPurge();
        builder.AddTeamsSsoAuthentication();
        return builder;
    }

    /// <summary>Consents in memory by default, in Redis (shared by replicas) when <c>Relay:Mode</c> is <c>Redis</c>.</summary>
    internal static IServiceCollection AddConsentStore(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<InMemoryConsentStore>();
        services.TryAddSingleton<RedisConsentStore>();
        services.TryAddSingleton<IConsentStore>(sp => GraphIngestExtensions.SharesState(sp)
            ? sp.GetRequiredService<RedisConsentStore>()
            : sp.GetRequiredService<InMemoryConsentStore>());
        return services;
    }

    /// <summary>
    /// The consent lifecycle: removing users (<see cref="UserPurge"/>), the Teams app installation checks and
    /// per-organization retention holds (in Redis when replicas share state, else in memory).
    /// </summary>
    internal static IServiceCollection AddUserPurge(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<InMemoryRetentionHoldStore>();
        services.TryAddSingleton<RedisRetentionHoldStore>();
        services.TryAddSingleton<IRetentionHoldStore>(sp => GraphIngestExtensions.SharesState(sp)
            ? sp.GetRequiredService<RedisRetentionHoldStore>()
            : sp.GetRequiredService<InMemoryRetentionHoldStore>());
        services.TryAddSingleton<UserPurge>();
        services.TryAddSingleton<InstallationChangeQueue>();
        services.TryAddSingleton<AppInstallationSweeper>();
        return services;
    }
}
