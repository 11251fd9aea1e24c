namespace PresenceHub.GraphSimulator.Directory;

internal sealed record TenantRecord(string Id, string Domain);
