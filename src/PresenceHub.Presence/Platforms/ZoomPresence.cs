namespace PresenceHub.Presence.Platforms;

/// <summary>A Zoom user's presence status and personal note.</summary>
/// <param name="Status">
/// One of <c>Available</c>, <c>Away</c>, <c>Do_Not_Disturb</c>, <c>In_Meeting</c>, <c>On_Phone_Call</c>,
/// <c>Presenting</c> or <c>Offline</c>.
/// </param>
/// <param name="Note">The personal note; null for none.</param>
public sealed record ZoomPresence(string Status, string? Note = null);
