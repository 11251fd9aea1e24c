namespace PresenceHub.Gateway.Relay;

/// <summary>The relay's store cannot be reached or did not answer in time. The operation may be retried.</summary>
public sealed class RelayUnavailableException : Exception
{
    public RelayUnavailableException()
        : base("The presence relay is unavailable.")
    {
    }

    public RelayUnavailableException(string message)
        : base(message)
    {
    }

    public RelayUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
