using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// A user's presence changed. <see cref="Update"/> carries the full state, its source and origin platforms and its
/// version; map it to the platform with one call, e.g. <c>XmppPresenceMapping.Instance.ToPlatform(e.State)</c>.
/// </summary>
public sealed record PresenceEvent(
    string EventId,
    string Cursor,
    OrganizationId Organization,
    TeamsUserIdentity User,
    string? PlatformUserId,
    DateTimeOffset ObservedAt,
    string? TraceParent,
    PresenceUpdate Update,
    int CoalescedCount,
    bool IsSnapshot)
    : ConnectorEvent(EventId, Cursor, Organization, User, PlatformUserId, ObservedAt, TraceParent)
{
    /// <summary>The user's presence; shorthand for <c>Update.State</c>.</summary>
    public PresenceState State => Update.State;
}
