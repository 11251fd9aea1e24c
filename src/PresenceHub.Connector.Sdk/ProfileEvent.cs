using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk;

/// <summary>A user's profile changed, or the user became visible to this connector.</summary>
public sealed record ProfileEvent(
    string EventId,
    string Cursor,
    OrganizationId Organization,
    TeamsUserIdentity User,
    string? PlatformUserId,
    DateTimeOffset ObservedAt,
    string? TraceParent,
    UserProfile Profile)
    : ConnectorEvent(EventId, Cursor, Organization, User, PlatformUserId, ObservedAt, TraceParent);
