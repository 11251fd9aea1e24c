namespace PresenceHub.GraphSimulator.Control;

/// <summary>Body of a control API request.</summary>
internal sealed record AdvanceRequest(double Seconds);
