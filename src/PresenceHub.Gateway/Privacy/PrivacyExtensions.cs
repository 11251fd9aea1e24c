using Microsoft.Extensions.DependencyInjection.Extensions;

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
        builder.Services.TryAddSingleton<IConsentStore, InMemoryConsentStore>();
        builder.AddTeamsSsoAuthentication();
        return builder;
    }
}
