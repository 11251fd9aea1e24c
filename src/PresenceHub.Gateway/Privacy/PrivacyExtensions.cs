using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Registers the privacy decision and what it reads: consents (who takes part), privacy settings (who shares out),
/// federation policies and retention holds, kept where the state is, and <see cref="ShareOutPolicy"/>.
/// </summary>
internal static class PrivacyExtensions
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddStore<IConsentStore, InMemoryConsentStore, RedisConsentStore>();
        services.AddStore<IPrivacySettingsStore, InMemoryPrivacySettingsStore, RedisPrivacySettingsStore>();
        services.AddStore<IFederationPolicyStore, InMemoryFederationPolicyStore, RedisFederationPolicyStore>();
        services.AddStore<IRetentionHoldStore, InMemoryRetentionHoldStore, RedisRetentionHoldStore>();
        services.TryAddSingleton<ShareOutPolicy>();
        return services;
    }
}
