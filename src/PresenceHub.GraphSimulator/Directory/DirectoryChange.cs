namespace PresenceHub.GraphSimulator.Directory;

/// <summary>A change to a user or an app installation, as Graph's changeType names it.</summary>
internal sealed record DirectoryChange(string TenantId, string ChangeType, UserRecord? User, InstallationRecord? Installation);
