using Grpc.Core;

namespace PresenceHub.Connector.Sdk;

/// <summary>The connection status changed.</summary>
public sealed class ConnectionStatusChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public ConnectionStatusChangedEventArgs(ConnectionStatus status, StatusCode? rejectionCode)
    {
        Status = status;
        RejectionCode = rejectionCode;
    }

    /// <summary>The new status.</summary>
    public ConnectionStatus Status { get; }

    /// <summary>For <see cref="ConnectionStatus.Rejected"/>, the gRPC status the hub answered with; otherwise null.</summary>
    public StatusCode? RejectionCode { get; }
}
