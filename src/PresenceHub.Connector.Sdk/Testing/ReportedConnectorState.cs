namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>A state a connector reported to the <see cref="FakePresenceHub"/>.</summary>
/// <param name="ConnectorId">The reporting connector.</param>
/// <param name="State">The state; null when the connector sent a value this SDK does not know.</param>
/// <param name="Detail">The detail; null when none.</param>
public sealed record ReportedConnectorState(string ConnectorId, ConnectorState? State, string? Detail);
