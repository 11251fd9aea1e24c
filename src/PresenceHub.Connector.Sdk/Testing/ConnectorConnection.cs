namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>A stream a connector opened to the <see cref="FakePresenceHub"/>, as announced in its hello.</summary>
/// <param name="ConnectorId">The connector id.</param>
/// <param name="Platform">The platform token.</param>
/// <param name="Version">The connector's software version.</param>
/// <param name="ResumeCursor">The cursor it asked to resume after; null when none.</param>
/// <param name="SessionId">The session id the hub gave the stream.</param>
public sealed record ConnectorConnection(string ConnectorId, string Platform, string Version, string? ResumeCursor, string SessionId);
