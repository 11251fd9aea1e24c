using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk;

/// <summary>An event the hub delivered to this connector. Delivery is at least once; the client removes duplicates it has seen.</summary>
/// <param name="EventId">Unique id of the event; the key for deduplication.</param>
/// <param name="Cursor">Opaque position of the event in the connector's stream.</param>
/// <param name="Organization">The organization the user belongs to, always the connector's own.</param>
/// <param name="User">The Teams user the event is about.</param>
/// <param name="PlatformUserId">The user's id on the connector's platform when the hub knows the link; otherwise null.</param>
/// <param name="ObservedAt">When the hub observed the change.</param>
/// <param name="TraceParent">The W3C traceparent of the change, or null when it was not traced.</param>
public abstract record ConnectorEvent(
    string EventId,
    string Cursor,
    OrganizationId Organization,
    TeamsUserIdentity User,
    string? PlatformUserId,
    DateTimeOffset ObservedAt,
    string? TraceParent);
