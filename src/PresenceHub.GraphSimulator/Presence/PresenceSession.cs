namespace PresenceHub.GraphSimulator.Presence;

/// <summary>An application's presence session for one user (setPresence), keyed by the app id.</summary>
internal sealed record PresenceSession(string SessionId, string Availability, string Activity, DateTimeOffset SetAt, DateTimeOffset ExpiresAt);
