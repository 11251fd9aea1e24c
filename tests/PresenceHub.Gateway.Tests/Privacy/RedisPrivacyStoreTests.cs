using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>The privacy stores' contract on one redis-server, and the shape of their keys.</summary>
public sealed class RedisPrivacyStoreTests(RedisServerFixture redis) : PrivacyStoreContractTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];
    private RedisConnection? _connection;
    private IPrivacySettingsStore? _settings;
    private IFederationPolicyStore? _policies;

    private protected override IPrivacySettingsStore Settings => _settings!;

    private protected override IFederationPolicyStore Policies => _policies!;

    public override Task InitializeAsync()
    {
        var options = Options.Create(new StateOptions { Mode = StateMode.Redis, Redis = redis.Server.Configuration, KeyPrefix = _prefix });
        _connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        _settings = new RedisPrivacySettingsStore(_connection, options);
        _policies = new RedisFederationPolicyStore(_connection, options);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _connection!.DisposeAsync();

    [Fact]
    public async Task Keys_CarryTheOrganizationHashTag_AndDefaultsLeaveNoKey()
    {
        var organization = NewOrganization();
        var user = NewUser();
        await Settings.SetAsync(organization, user, new PrivacySettings(Paused: true), Timeout());
        await Policies.SetAsync(organization, new FederationPolicy(["xmpp"], null), Timeout());

        var keys = await ScanAsync();
        Assert.Equal([$"{_prefix}:{{{organization}}}:federation-policy", $"{_prefix}:{{{organization}}}:privacy"], keys);
        Assert.Equal("p1o1i1", (await redis.Server.CliAsync("HGET", keys[1], user)).Trim());

        await Settings.SetAsync(organization, user, PrivacySettings.Default, Timeout());
        await Policies.SetAsync(organization, FederationPolicy.Open, Timeout());
        Assert.Empty(await ScanAsync());
    }

    private async Task<string[]> ScanAsync() =>
        [.. (await redis.Server.CliAsync("--scan", "--pattern", _prefix + ":*")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
}
