using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>One user's presence as each part of the flow last saw it.</summary>
/// <param name="User">The user.</param>
/// <param name="Teams">What Teams (the Graph simulator) reports now; null before the first read.</param>
/// <param name="Hub">The gateway relay's last-known presence; null until Graph delivered or reconciliation read one.</param>
/// <param name="Received">What the console connector last received over the connector API; null before its first event.</param>
/// <param name="ChangedAt">When the row last changed downstream of Teams (the hub or the connector got something new).</param>
/// <param name="ReceivedCount">How many presence events the connector received for the user.</param>
internal sealed record PresenceRow(
    DemoUser User,
    PresenceState? Teams,
    PresenceUpdate? Hub,
    PresenceUpdate? Received,
    DateTimeOffset? ChangedAt,
    int ReceivedCount);
