using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace PresenceHub.Connector.Sdk;

public sealed partial class ConnectorClient
{
    /// <summary>
    /// Log messages of the client's lifecycle (event ids 1000-1099, shared with <see cref="ConnectorStream"/> and
    /// <see cref="ConnectorCalls"/>, which log under the client's category). Only opaque ids, never presence, names or texts.
    /// </summary>
    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Information, "Connector {ConnectorId} for platform {Platform} starting")]
        public static partial void Starting(ILogger logger, string connectorId, string platform);

        [LoggerMessage(1002, LogLevel.Warning, "Connector {ConnectorId} reconnecting, attempt {Attempt} in {DelayMs} ms after {Reason}")]
        public static partial void Reconnecting(ILogger logger, string connectorId, int attempt, long delayMs, string? reason);

        [LoggerMessage(1003, LogLevel.Error, "Connector {ConnectorId} rejected by the hub with {StatusCode}; not retrying")]
        public static partial void Rejected(ILogger logger, string connectorId, StatusCode statusCode);

        [LoggerMessage(1010, LogLevel.Information, "Connector {ConnectorId} stopped")]
        public static partial void Stopped(ILogger logger, string connectorId);
    }
}
