using Microsoft.Extensions.Logging;

namespace PresenceHub.Connector.Sdk;

internal sealed partial class ConnectorStream
{
    /// <summary>Log messages of the stream (event ids 1000-1099, shared with the client). Only opaque ids, never presence, names or texts.</summary>
    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Connector {ConnectorId} connected, session {SessionId}, resume {ResumeOutcome}")]
        public static partial void Connected(ILogger logger, string connectorId, string sessionId, string resumeOutcome);

        [LoggerMessage(1004, LogLevel.Error, "Connector {ConnectorId} handler failed on event {EventId}; it will be delivered again")]
        public static partial void HandlerFailed(ILogger logger, string connectorId, string eventId, Exception exception);

        [LoggerMessage(1005, LogLevel.Warning, "Connector {ConnectorId} skipped event {EventId} of kind {Kind}: unknown kind or malformed")]
        public static partial void EventSkipped(ILogger logger, string connectorId, string eventId, string kind);

        [LoggerMessage(1006, LogLevel.Debug, "Connector {ConnectorId} dropped duplicate event {EventId}")]
        public static partial void DuplicateSkipped(ILogger logger, string connectorId, string eventId);

        [LoggerMessage(1007, LogLevel.Warning, "Connector {ConnectorId} heard nothing on session {SessionId} for three heartbeat intervals")]
        public static partial void HeartbeatTimeout(ILogger logger, string connectorId, string sessionId);

        [LoggerMessage(1008, LogLevel.Warning, "Connector {ConnectorId} got stream error {Reason} on session {SessionId}")]
        public static partial void StreamError(ILogger logger, string connectorId, string sessionId, string reason);
    }
}
