namespace PresenceHub.Gateway.Relay;

/// <summary>The relay's log messages (EventIds 3000-3099). Only opaque ids: never presence, names or text.</summary>
internal static partial class RelayLog
{
    [LoggerMessage(3001, LogLevel.Debug, "Feed opened for connector {ConnectorId} of organization {OrganizationId} by consumer {Consumer}")]
    public static partial void FeedOpened(ILogger logger, string connectorId, string organizationId, string consumer);

    [LoggerMessage(3002, LogLevel.Information, "Backlog of connector {ConnectorId} of organization {OrganizationId} coalesced into a snapshot ({Reason})")]
    public static partial void Coalesced(ILogger logger, string connectorId, string organizationId, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Consumer {Consumer} reclaimed {Count} idle events of connector {ConnectorId}")]
    public static partial void Reclaimed(ILogger logger, string consumer, int count, string connectorId);

    [LoggerMessage(3005, LogLevel.Warning, "Skipped an unreadable relay entry {EntryId} for connector {ConnectorId}")]
    public static partial void UnreadableEntry(ILogger logger, string entryId, string connectorId, Exception exception);
}
