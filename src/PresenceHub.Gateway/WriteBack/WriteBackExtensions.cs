using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>Registers write-back of connectors' presence into Teams.</summary>
internal static class WriteBackExtensions
{
    /// <summary>
    /// Adds <see cref="IPresenceWriteBack"/>, its worker and the echo tagging the webhook and reconciliation use,
    /// configured from the <c>WriteBack</c> section (validated at start). Sessions are kept where the state is
    /// (<see cref="StateExtensions"/>); the sessions are written with the app-only Graph client (<c>GraphApi</c>).
    /// </summary>
    public static IHostApplicationBuilder AddPresenceWriteBack(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddMetadataLog();
        var services = builder.Services;
        services.AddOptions<WriteBackOptions>()
            .BindConfiguration(WriteBackOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WriteBackMetrics>();
        services.AddStore<IWriteBackStore, InMemoryWriteBackStore, RedisWriteBackStore>();
        services.AddGraphApi();
        services.TryAddSingleton<TeamsSessionWriter>();
        services.TryAddSingleton<PresenceWriteBackWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceWriteBackWorker>());
        services.TryAddSingleton<IPresenceWriteBack, PresenceWriteBack>();
        services.TryAddSingleton<WriteBackEchoTagger>();
        return builder;
    }
}
