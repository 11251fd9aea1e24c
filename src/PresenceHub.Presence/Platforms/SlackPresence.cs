namespace PresenceHub.Presence.Platforms;

/// <summary>A Slack user's presence: presence, do-not-disturb snooze and custom status.</summary>
/// <param name="Presence"><c>auto</c> (active) or <c>away</c>; Slack's read API says <c>active</c> for auto.</param>
/// <param name="DoNotDisturb">Whether notifications are snoozed.</param>
/// <param name="StatusEmoji">The status emoji, such as <c>:phone:</c>; empty for none.</param>
/// <param name="StatusText">The status text, at most <see cref="SlackPresenceMapping.MaxStatusText"/> characters; empty for none.</param>
/// <param name="StatusExpiration">When the status clears; null for never.</param>
public sealed record SlackPresence(
    string Presence,
    bool DoNotDisturb,
    string StatusEmoji = "",
    string StatusText = "",
    DateTimeOffset? StatusExpiration = null);
