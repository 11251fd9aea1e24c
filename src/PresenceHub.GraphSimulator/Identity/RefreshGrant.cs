namespace PresenceHub.GraphSimulator.Identity;

internal sealed record RefreshGrant(string TenantId, string ClientId, string UserId, string Resource, IReadOnlyList<string> Scopes, DateTimeOffset Expires);
