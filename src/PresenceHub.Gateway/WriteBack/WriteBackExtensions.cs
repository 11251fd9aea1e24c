using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>Registers write-back of connectors' presence into Teams.</summary>
public static class WriteBackExtensions
{
    /// <summary>
    /// Adds <see cref="IPresenceWriteBack"/>, its worker and the echo tagging the webhook and reconciliation use,
    /// configured from the <c>WriteBack</c> section (validated at start). Sessions are kept in memory, or in Redis on
    /// the relay's connection and key prefix when <c>Relay:Mode</c> is <c>Redis</c>. Needs the relay and Graph ingest
    /// (<c>AddPresenceRelay</c>, <c>AddGraphIngest</c>), whose app-only Graph client it calls.
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
        services.TryAddSingleton<RedisRelayConnection>();
        services.TryAddSingleton<WriteBackMetrics>();
        services.TryAddSingleton<InMemoryWriteBackStore>();
        services.TryAddSingleton<RedisWriteBackStore>();
        services.TryAddSingleton<IWriteBackStore>(sp => sp.GetRequiredService<IOptions<RelayOptions>>().Value.Mode == RelayMode.Redis
            ? sp.GetRequiredService<RedisWriteBackStore>()
            : sp.GetRequiredService<InMemoryWriteBackStore>());
        services.TryAddSingleton<TeamsSessionWriter>();
        services.TryAddSingleton<PresenceWriteBackWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceWriteBackWorker>());
        services.TryAddSingleton<IPresenceWriteBack, PresenceWriteBack>();
        services.TryAddSingleton<WriteBackEchoTagger>();
        return builder;
    }
}
