namespace PresenceHub.Presence.Platforms;

/// <summary>A Matrix user's presence (<c>m.presence</c>).</summary>
/// <param name="Presence"><c>online</c>, <c>unavailable</c> or <c>offline</c>.</param>
/// <param name="StatusMsg">The <c>status_msg</c>; null for none.</param>
public sealed record MatrixPresence(string Presence, string? StatusMsg = null);
