namespace PresenceHub.Gateway.State;

/// <summary>Where the gateway keeps its state: events, last-known presence, consents, keys, tokens and logs.</summary>
internal enum StateMode
{
    /// <summary>In the gateway's memory: for the demo and a single replica; nothing survives a restart.</summary>
    InMemory,

    /// <summary>In Redis (standalone or cluster): durable, shared by every gateway replica.</summary>
    Redis,
}
