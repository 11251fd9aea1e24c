using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk;

/// <summary>The user is no longer visible to this connector: clear whatever the connector shows for them.</summary>
public sealed record WithdrawnEvent(
    string EventId,
    string Cursor,
    OrganizationId Organization,
    TeamsUserIdentity User,
    string? PlatformUserId,
    DateTimeOffset ObservedAt,
    string? TraceParent,
    WithdrawalReason Reason)
    : ConnectorEvent(EventId, Cursor, Organization, User, PlatformUserId, ObservedAt, TraceParent);
