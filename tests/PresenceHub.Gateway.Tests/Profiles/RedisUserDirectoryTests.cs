using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Profiles;

/// <summary>The directory contract on one redis-server.</summary>
public sealed class RedisUserDirectoryTests(RedisServerFixture redis) : UserDirectoryContractTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];
    private RedisConnection? _connection;
    private IUserDirectory? _directory;

    private protected override IUserDirectory Directory => _directory!;

    public override Task InitializeAsync()
    {
        (_connection, _directory) = Open(redis.Server.Configuration, _prefix);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _connection!.DisposeAsync();

    [Fact]
    public async Task Keys_AllCarryTheOrganizationHashTag()
    {
        var organization = NewOrganization();
        await Directory.PutAsync(organization, Profile("Ada", "ada@contoso.com", "ada@contoso.onmicrosoft.com"), Timeout());

        var keys = (await redis.Server.CliAsync("--scan", "--pattern", _prefix + ":*")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, keys.Length);
        Assert.All(keys, k => Assert.StartsWith($"{_prefix}:{{{organization}}}:", k, StringComparison.Ordinal));
    }

    internal static (RedisConnection Connection, IUserDirectory Directory) Open(string configuration, string prefix)
    {
        var options = Options.Create(new StateOptions { Mode = StateMode.Redis, Redis = configuration, KeyPrefix = prefix });
        var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        return (connection, new RedisUserDirectory(connection, options));
    }
}
