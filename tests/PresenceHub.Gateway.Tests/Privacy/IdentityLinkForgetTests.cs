using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary><see cref="IIdentityLinkStore.UnlinkTeamsUserAsync"/> in memory and on a real redis-server.</summary>
public sealed class IdentityLinkForgetTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnlinkTeamsUser_RemovesTheirLinksOnEveryPlatform_AndNoOneElses(bool onRedis)
    {
        var options = Options.Create(State());
        await using var connection = onRedis ? new RedisConnection(options, NullLoggerFor<RedisConnection>()) : null;
        IIdentityLinkStore links = onRedis ? new RedisIdentityLinkStore(connection!, options) : new InMemoryIdentityLinkStore();
        var organization = new OrganizationId(Guid.NewGuid());
        var (leaver, stayer) = (Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"));
        await links.LinkAsync(organization, Platform.Xmpp, "leaver@chat.example", leaver, CancellationToken.None);
        await links.LinkAsync(organization, Platform.Slack, "ULEAVER", leaver, CancellationToken.None);
        await links.LinkAsync(organization, Platform.Slack, "USTAYER", stayer, CancellationToken.None);
        var otherOrganization = new OrganizationId(Guid.NewGuid());
        await links.LinkAsync(otherOrganization, Platform.Xmpp, "leaver@chat.example", leaver, CancellationToken.None);

        Assert.Equal(2, await links.UnlinkTeamsUserAsync(organization, leaver.ToUpperInvariant(), CancellationToken.None));

        Assert.Null(await links.FindTeamsUserAsync(organization, Platform.Xmpp, "leaver@chat.example", CancellationToken.None));
        Assert.Null(await links.FindTeamsUserAsync(organization, Platform.Slack, "ULEAVER", CancellationToken.None));
        Assert.Equal([null, "USTAYER"], await links.FindPlatformUsersAsync(organization, Platform.Slack, [leaver, stayer], CancellationToken.None));
        Assert.Equal(leaver, await links.FindTeamsUserAsync(otherOrganization, Platform.Xmpp, "leaver@chat.example", CancellationToken.None));
        Assert.Equal(0, await links.UnlinkTeamsUserAsync(organization, leaver, CancellationToken.None));
    }

    private StateOptions State() => new()
    {
        Mode = StateMode.Redis,
        Redis = redis.Server.Configuration,
        KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..10],
    };

    private static Microsoft.Extensions.Logging.ILogger<T> NullLoggerFor<T>() => Microsoft.Extensions.Logging.Abstractions.NullLogger<T>.Instance;
}
