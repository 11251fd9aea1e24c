namespace PresenceHub.Presence.Platforms;

/// <summary>A Webex person's <c>status</c>.</summary>
/// <param name="Status">
/// One of <c>active</c>, <c>inactive</c>, <c>call</c>, <c>meeting</c>, <c>presenting</c>, <c>DoNotDisturb</c>,
/// <c>OutOfOffice</c>, <c>pending</c> or <c>unknown</c>.
/// </param>
public sealed record WebexPresence(string Status);
