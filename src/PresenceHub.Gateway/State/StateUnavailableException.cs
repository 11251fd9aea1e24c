namespace PresenceHub.Gateway.State;

/// <summary>The gateway's state (Redis) cannot be reached or did not answer in time. The operation may be retried.</summary>
internal sealed class StateUnavailableException : Exception
{
    public StateUnavailableException()
        : base("The gateway's state store is unavailable.")
    {
    }

    public StateUnavailableException(string message)
        : base(message)
    {
    }

    public StateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
