using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.MetadataLog;

/// <summary>Settings of the metadata log (section <c>MetadataLog</c>).</summary>
internal sealed class MetadataLogOptions
{
    public const string SectionName = "MetadataLog";

    /// <summary>How long entries are kept; older ones are trimmed automatically. Default 30 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "MetadataLog:Retention must be between 1 hour and 3650 days.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Most entries kept per organization in memory mode (Redis keeps them by age only). Default 100,000.</summary>
    [Range(1000, 10_000_000, ErrorMessage = "MetadataLog:InMemoryCapacity must be between 1000 and 10,000,000.")]
    public int InMemoryCapacity { get; set; } = 100_000;

    /// <summary>Most entries a query or export reads before it stops. Default 1,000,000.</summary>
    [Range(1000, 100_000_000, ErrorMessage = "MetadataLog:MaxScan must be between 1000 and 100,000,000.")]
    public int MaxScan { get; set; } = 1_000_000;
}
