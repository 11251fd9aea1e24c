namespace PresenceHub.Connector.Sdk;

/// <summary>The state of the client's connection to the hub.</summary>
public enum ConnectionStatus
{
    /// <summary>Not started, or stopped.</summary>
    Stopped = 0,
    /// <summary>Opening the stream (first time or after a drop), waiting for the hub's welcome.</summary>
    Connecting,
    /// <summary>Welcomed; events flow.</summary>
    Connected,
    /// <summary>The stream dropped; waiting out the backoff before the next attempt.</summary>
    Reconnecting,
    /// <summary>
    /// The hub refused the connector (bad credentials, a platform the credential does not allow, or a protocol
    /// error). The client stopped retrying: fix the configuration and restart it.
    /// </summary>
    Rejected,
}
