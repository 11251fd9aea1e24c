using PresenceHub.Gateway.Profiles;

namespace PresenceHub.Gateway.Tests.Profiles;

/// <summary>The directory contract in memory.</summary>
public sealed class InMemoryUserDirectoryTests : UserDirectoryContractTests
{
    private protected override IUserDirectory Directory { get; } = new InMemoryUserDirectory();
}
