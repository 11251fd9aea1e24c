namespace PresenceHub.GraphSimulator.Directory;

internal sealed record UserRecord(
    string TenantId,
    string Id,
    string DisplayName,
    string? Mail,
    string UserPrincipalName,
    string? JobTitle);
