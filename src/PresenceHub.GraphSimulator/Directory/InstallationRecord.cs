namespace PresenceHub.GraphSimulator.Directory;

internal sealed record InstallationRecord(string Id, string TenantId, string UserId, string TeamsAppId);
