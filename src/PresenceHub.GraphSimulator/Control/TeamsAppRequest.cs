namespace PresenceHub.GraphSimulator.Control;

/// <summary>Body of a control API request.</summary>
internal sealed record TeamsAppRequest(string Id, string DisplayName, string? ExternalId);
