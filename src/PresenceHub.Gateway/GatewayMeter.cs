namespace PresenceHub.Gateway;

/// <summary>
/// The meter every feature's metrics are created on (ingest, connectors, write-back); Operations exports it with the
/// gateway's other telemetry. Kept at the root so no feature folder depends on another for a name.
/// </summary>
internal static class GatewayMeter
{
    public const string Name = "PresenceHub.Gateway";
}
