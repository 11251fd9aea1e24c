namespace PresenceHub.GraphSimulator.Control;

/// <summary>Body of a control API request: the profile fields to change; null keeps a field.</summary>
internal sealed record UpdateUserRequest(string? DisplayName, string? Mail, string? UserPrincipalName, string? JobTitle);
