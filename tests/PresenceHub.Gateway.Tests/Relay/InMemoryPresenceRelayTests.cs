using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Tests.Relay;

public sealed class InMemoryPresenceRelayTests : PresenceRelayContractTests
{
    protected override bool HasSeparateReplicas => false;

    protected override RelayOptions CreateOptions() => new() { Mode = RelayMode.InMemory };
}
