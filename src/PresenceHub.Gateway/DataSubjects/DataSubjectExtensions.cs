using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Registers data-subject requests and per-user privacy controls: export, erasure and pausing, and the removal of
/// users who leave (<see cref="UserPurge"/>, which Graph ingest calls as its <see cref="IUserRemoval"/>).
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

        services.AddPrivacy();
        services.TryAddSingleton<UserPurge>();
        services.TryAddSingleton<IUserRemoval>(sp => sp.GetRequiredService<UserPurge>());
        services.TryAddSingleton<PrivacyControls>();
        services.TryAddSingleton<DataSubjectRecords>();
        return builder;
    }
}
