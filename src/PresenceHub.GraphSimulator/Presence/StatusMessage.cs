namespace PresenceHub.GraphSimulator.Presence;

internal sealed record StatusMessage(string Content, string ContentType, DateTimeOffset? Expiry, DateTimeOffset Published);
