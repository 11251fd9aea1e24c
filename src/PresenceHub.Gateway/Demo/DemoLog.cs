namespace PresenceHub.Gateway.Demo;

/// <summary>The demo's log messages (EventIds 5000-5099). Only ids, counts and reasons: never presence or names.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(5000, LogLevel.Information, "Demo organization {Organization} with {Users} users; relay in {Mode} mode")]
    public static partial void Started(ILogger logger, string organization, int users, string mode);

    [LoggerMessage(5001, LogLevel.Warning, "No presence subscription existed {Seconds} s after consent; presence may arrive late")]
    public static partial void NoSubscriptionYet(ILogger logger, int seconds);

    [LoggerMessage(5002, LogLevel.Warning, "The relay could not be read for the table")]
    public static partial void RelayUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(5003, LogLevel.Information, "Console connector {ConnectorId} started with key {KeyId}")]
    public static partial void ConnectorStarted(ILogger logger, string connectorId, string keyId);

    [LoggerMessage(5004, LogLevel.Information, "Demo stopped after {Changes} generated changes and {Received} received events")]
    public static partial void Stopped(ILogger logger, long changes, long received);

    [LoggerMessage(5005, LogLevel.Warning, "Console connector got an event for user {UserId}, who is not in the demo tenant")]
    public static partial void UnknownUser(ILogger logger, string userId);

    [LoggerMessage(5006, LogLevel.Information, "Connector key {KeyId} issued for {ConnectorId}, the developer's own connector; the key is printed and written to Demo:ConnectorFile")]
    public static partial void DeveloperKeyIssued(ILogger logger, string connectorId, string keyId);

    [LoggerMessage(5007, LogLevel.Warning, "The connector file (Demo:ConnectorFile) could not be deleted; it still holds the demo's connector key")]
    public static partial void ConnectorFileNotDeleted(ILogger logger, Exception exception);
}
