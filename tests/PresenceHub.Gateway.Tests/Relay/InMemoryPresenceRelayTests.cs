using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Relay;

public sealed class InMemoryPresenceRelayTests : PresenceRelayContractTests
{
    protected override bool HasSeparateReplicas => false;

    private protected override StateOptions CreateState() => new() { Mode = StateMode.InMemory };
}
