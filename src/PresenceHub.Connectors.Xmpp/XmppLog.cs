using Grpc.Core;
using Microsoft.Extensions.Logging;
using PresenceHub.Connector.Sdk;

namespace PresenceHub.Connectors.Xmpp;

/// <summary>
/// Log messages of the XMPP connector (event ids 6000-6099). Teams user ids, counts, conditions and outcomes only:
/// never JIDs, mail addresses, presence or status texts.
/// </summary>
internal static partial class XmppLog
{
    [LoggerMessage(6000, LogLevel.Information, "XMPP component {Domain} connected and authenticated")]
    public static partial void ComponentConnected(ILogger logger, string domain);

    [LoggerMessage(6001, LogLevel.Warning, "XMPP stream failed with {Condition}")]
    public static partial void StreamFailed(ILogger logger, string condition, Exception exception);

    [LoggerMessage(6002, LogLevel.Warning, "Could not connect to the XMPP server {Host}:{Port}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason);

    [LoggerMessage(6003, LogLevel.Information, "Reconnecting to the XMPP server in {DelayMs} ms")]
    public static partial void Reconnecting(ILogger logger, long delayMs);

    [LoggerMessage(6004, LogLevel.Information, "Re-sent presence of {Contacts} contacts to {Subscriptions} subscriptions")]
    public static partial void Rebroadcast(ILogger logger, int contacts, int subscriptions);

    [LoggerMessage(6005, LogLevel.Information, "Subscription to Teams user {TeamsUserId} approved; {Subscriptions} subscriptions")]
    public static partial void Subscribed(ILogger logger, string teamsUserId, int subscriptions);

    [LoggerMessage(6006, LogLevel.Information, "Subscription refused: the address names no federated Teams user")]
    public static partial void SubscriptionRefused(ILogger logger);

    [LoggerMessage(6007, LogLevel.Information, "Subscription removed; {Subscriptions} subscriptions")]
    public static partial void Unsubscribed(ILogger logger, int subscriptions);

    [LoggerMessage(6008, LogLevel.Information, "Teams user {TeamsUserId} withdrawn ({Reason}); {Subscriptions} subscriptions revoked")]
    public static partial void Withdrawn(ILogger logger, string teamsUserId, WithdrawalReason reason, int subscriptions);

    [LoggerMessage(6009, LogLevel.Debug, "Published an XMPP user's presence: {Outcome} for Teams user {TeamsUserId}")]
    public static partial void Published(ILogger logger, PublicationOutcome outcome, string? teamsUserId);

    [LoggerMessage(6010, LogLevel.Warning, "Hub call {Call} failed with {StatusCode}")]
    public static partial void HubCallFailed(ILogger logger, string call, StatusCode statusCode);

    [LoggerMessage(6011, LogLevel.Error, "Handling a {Stanza} stanza of type {Type} failed; it was dropped")]
    public static partial void StanzaFailed(ILogger logger, string stanza, string type, Exception exception);
}
