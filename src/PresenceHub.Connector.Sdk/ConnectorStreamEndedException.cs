namespace PresenceHub.Connector.Sdk;

/// <summary>The stream to the hub ended after it had been welcomed, or before a welcome for a reason worth retrying.</summary>
internal sealed class ConnectorStreamEndedException : Exception
{
    public ConnectorStreamEndedException(string message)
        : base(message)
    {
    }

    public ConnectorStreamEndedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
