using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>Redis going away: the relay says so at once, and comes back by itself.</summary>
public sealed class RedisRelayOutageTests : IAsyncLifetime
{
    private RedisServer? _redis;
    private RelayHandle? _handle;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _handle = await RelayHandle.StartAsync(new StateOptions
        {
            Mode = StateMode.Redis,
            Redis = _redis.Configuration,
            KeyPrefix = "outage",
        });
    }

    public async Task DisposeAsync()
    {
        await _handle!.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    [Fact]
    public async Task Publish_WhileRedisIsDown_ThrowsRelayUnavailable_AndRecoversWhenRedisReturns()
    {
        var relay = _handle!.Relay;
        var organization = Presences.NewOrganization();
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "xmpp"), "c1", CancellationToken.None);
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], CancellationToken.None);

        await _redis!.KillAsync();
        var publishing = await Assert.ThrowsAsync<StateUnavailableException>(
            () => relay.PublishAsync([Presences.Update(organization, "u1", 2)], CancellationToken.None));
        var reading = await Assert.ThrowsAsync<StateUnavailableException>(
            async () => await feed.ReadAsync(10, CancellationToken.None));
        await _redis.RestartAsync();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await relay.PublishAsync([Presences.Update(organization, "u1", 3)], CancellationToken.None))[0] == PublishOutcome.Accepted;
            }
            catch (StateUnavailableException)
            {
                return false;
            }
        }, "publishing to succeed once Redis is back");

        Assert.Contains("Redis is unreachable", publishing.Message, StringComparison.Ordinal);
        Assert.NotNull(reading.InnerException);
        var delivered = new List<RelayEvent>();
        while (!delivered.Any(e => Presences.Sequence(e.Presence!) == 3))
        {
            delivered.AddRange(await feed.ReadAsync(10, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        }
    }

    [Fact]
    public async Task UserEvents_WhileRedisIsDown_ThrowRelayUnavailable()
    {
        var relay = _handle!.Relay;
        var organization = Presences.NewOrganization();
        await relay.PublishAsync([Presences.Update(organization, "u1", 1)], CancellationToken.None);

        await _redis!.KillAsync();

        await Assert.ThrowsAsync<StateUnavailableException>(() => relay.PublishProfilesAsync(
            organization, [new UserProfileRecord("u1", "Ada", null, "ada@contoso.com", null, true)], CancellationToken.None));
        await Assert.ThrowsAsync<StateUnavailableException>(() => relay.WithdrawAsync(
            organization, [new UserWithdrawal("u1", WithdrawalReason.OptedOut)], CancellationToken.None));
    }
}
