using Microsoft.Extensions.Logging;

namespace PresenceHub.Connector.Sdk;

internal sealed partial class ConnectorCalls
{
    /// <summary>Log messages of the unary calls (event ids 1000-1099, shared with the client). Only opaque ids.</summary>
    private static partial class Log
    {
        [LoggerMessage(1009, LogLevel.Debug, "Connector {ConnectorId} publication {PublicationId}: {Outcome}")]
        public static partial void Published(ILogger logger, string connectorId, string publicationId, PublicationOutcome outcome);
    }
}
