using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.MetadataLog;

/// <summary>Registers the metadata log: in memory by default, in Redis when the state is.</summary>
internal static class MetadataLogExtensions
{
    /// <summary>Registers the log once; the features that write to it (ingest, connectors, write-back) call it too.</summary>
    public static IHostApplicationBuilder AddMetadataLog(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(IMetadataLog)))
        {
            return builder;
        }

        builder.Services.AddOptions<MetadataLogOptions>()
            .BindConfiguration(MetadataLogOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddStore<IMetadataLog, InMemoryMetadataLog, RedisMetadataLog>();
        return builder;
    }
}
