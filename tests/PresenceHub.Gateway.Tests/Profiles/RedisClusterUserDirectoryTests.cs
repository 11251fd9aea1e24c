using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Profiles;

/// <summary>The directory contract on a Redis Cluster: a profile and its address index share the organization's slot.</summary>
public sealed class RedisClusterUserDirectoryTests(RedisClusterFixture redis) : UserDirectoryContractTests, IClassFixture<RedisClusterFixture>
{
    private RedisConnection? _connection;
    private IUserDirectory? _directory;

    private protected override IUserDirectory Directory => _directory!;

    public override Task InitializeAsync()
    {
        (_connection, _directory) = RedisUserDirectoryTests.Open(redis.Cluster.Configuration, "t" + Guid.NewGuid().ToString("N")[..10]);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _connection!.DisposeAsync();
}
