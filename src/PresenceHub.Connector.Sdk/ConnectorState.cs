namespace PresenceHub.Connector.Sdk;

/// <summary>A connector's state on its own platform side, reported to the hub with <see cref="ConnectorClient.ReportState"/>.</summary>
public enum ConnectorState
{
    /// <summary>Connected to the hub, not yet to its platform.</summary>
    Starting = 1,
    /// <summary>Connected to both sides and relaying. What the client reports on connect unless told otherwise.</summary>
    Running,
    /// <summary>Lost its platform connection for a while and is retrying.</summary>
    TransientDisconnect,
    /// <summary>Its platform rejected its credentials; it will not recover without an administrator.</summary>
    BadCredentials,
    /// <summary>Running with reduced function, e.g. rate limited by its platform.</summary>
    Degraded,
    /// <summary>Shutting down on purpose. The client reports it when it stops.</summary>
    Stopping,
}
