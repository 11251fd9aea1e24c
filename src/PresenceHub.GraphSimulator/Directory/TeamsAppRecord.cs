namespace PresenceHub.GraphSimulator.Directory;

internal sealed record TeamsAppRecord(string TenantId, string Id, string? ExternalId, string DisplayName);
