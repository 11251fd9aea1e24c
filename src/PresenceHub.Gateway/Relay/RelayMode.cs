namespace PresenceHub.Gateway.Relay;

/// <summary>Where the relay keeps its state.</summary>
public enum RelayMode
{
    /// <summary>In the gateway's memory: for the demo and a single replica; nothing survives a restart.</summary>
    InMemory,

    /// <summary>In Redis (standalone or cluster): durable, shared by every gateway replica.</summary>
    Redis,
}
