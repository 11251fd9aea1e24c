using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>The privacy stores' contract in memory.</summary>
public sealed class InMemoryPrivacyStoreTests : PrivacyStoreContractTests
{
    private protected override IPrivacySettingsStore Settings { get; } = new InMemoryPrivacySettingsStore();

    private protected override IFederationPolicyStore Policies { get; } = new InMemoryFederationPolicyStore();
}
