using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace PresenceHub.Connector.Sdk;

public sealed partial class ConnectorClient
{
    /// <summary>Log messages of the client (event ids 1000-1099). Only opaque ids, never presence, names or texts.</summary>
    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Information, "Connector {ConnectorId} for platform {Platform} starting")]
        public static partial void Starting(ILogger logger, string connectorId, string platform);

        [LoggerMessage(1001, LogLevel.Information, "Connector {ConnectorId} connected, session {SessionId}, resume {ResumeOutcome}")]
        public static partial void Connected(ILogger logger, string connectorId, string sessionId, string resumeOutcome);

        [LoggerMessage(1002, LogLevel.Warning, "Connector {ConnectorId} reconnecting, attempt {Attempt} in {DelayMs} ms after {Reason}")]
        public static partial void Reconnecting(ILogger logger, string connectorId, int attempt, long delayMs, string? reason);

        [LoggerMessage(1003, LogLevel.Error, "Connector {ConnectorId} rejected by the hub with {StatusCode}; not retrying")]
        public static partial void Rejected(ILogger logger, string connectorId, StatusCode statusCode);

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

        [LoggerMessage(1009, LogLevel.Debug, "Connector {ConnectorId} publication {PublicationId}: {Outcome}")]
        public static partial void Published(ILogger logger, string connectorId, string publicationId, PublicationOutcome outcome);

        [LoggerMessage(1010, LogLevel.Information, "Connector {ConnectorId} stopped")]
        public static partial void Stopped(ILogger logger, string connectorId);
    }
}
