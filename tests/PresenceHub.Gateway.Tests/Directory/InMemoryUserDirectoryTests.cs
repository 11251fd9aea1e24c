using PresenceHub.Gateway.Directory;

namespace PresenceHub.Gateway.Tests.Directory;

/// <summary>The directory contract in memory.</summary>
public sealed class InMemoryUserDirectoryTests : UserDirectoryContractTests
{
    private protected override IUserDirectory Directory { get; } = new InMemoryUserDirectory();
}
