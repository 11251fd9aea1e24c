namespace PresenceHub.GraphSimulator.Control;

/// <summary>Body of a control API request.</summary>
internal sealed record TokenRequest(string ClientId, string[]? Scopes, double? LifetimeSeconds);
