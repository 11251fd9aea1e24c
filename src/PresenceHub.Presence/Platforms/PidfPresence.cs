namespace PresenceHub.Presence.Platforms;

/// <summary>A SIP presence document: PIDF basic status (RFC 3863) with RPID activity and idle (RFC 4480).</summary>
/// <param name="IsOpen">The PIDF <c>&lt;basic&gt;</c>: open or closed.</param>
/// <param name="Activity">The RPID activity element name, such as <c>on-the-phone</c>; null for none.</param>
/// <param name="IsIdle">RPID <c>&lt;user-input&gt;idle&lt;/user-input&gt;</c>.</param>
/// <param name="Note">The PIDF <c>&lt;note&gt;</c>; null for none.</param>
public sealed record PidfPresence(bool IsOpen, string? Activity = null, bool IsIdle = false, string? Note = null);
