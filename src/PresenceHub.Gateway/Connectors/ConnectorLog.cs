namespace PresenceHub.Gateway.Connectors;

/// <summary>The connector API's log messages (EventIds 4000–4099). Ids and counts only, never presence content.</summary>
internal static partial class ConnectorLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Connector {ConnectorId} ({Platform}, {Version}) of {Organization} connected as session {SessionId} with {Credential}.")]
    public static partial void Connected(ILogger logger, string connectorId, string platform, string version, string organization, string sessionId, string credential);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connector session {SessionId} ended: {Reason}.")]
    public static partial void Disconnected(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Connector session {SessionId} was replaced by a new session of the same connector.")]
    public static partial void Replaced(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Connector session {SessionId} reports state {State}.")]
    public static partial void StateReported(ILogger logger, string sessionId, string state);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Connector session {SessionId} sent nothing for {Silence}; ending it.")]
    public static partial void Silent(ILogger logger, string sessionId, TimeSpan silence);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Connector call of {Organization} refused ({Reason}).")]
    public static partial void Refused(ILogger logger, string organization, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Connector session {SessionId} lost the relay; the connector will reconnect.")]
    public static partial void RelayUnavailable(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Connector key {KeyId} of {Organization} was {Action}.")]
    public static partial void KeyChanged(ILogger logger, string keyId, string organization, string action);
}
