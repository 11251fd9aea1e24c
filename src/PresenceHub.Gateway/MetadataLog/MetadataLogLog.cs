namespace PresenceHub.Gateway.MetadataLog;

/// <summary>The metadata log's log messages (EventIds 4500–4519).</summary>
internal static partial class MetadataLogLog
{
    [LoggerMessage(EventId = 4500, Level = LogLevel.Warning, Message = "{Count} metadata log entries of {Organization} were not recorded: Redis is unavailable.")]
    public static partial void AppendFailed(ILogger logger, int count, string organization);
}
