using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;
using Xunit.Abstractions;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>What last-known presence costs in Redis memory, by INFO memory.</summary>
public sealed class RelayMemoryTests(ITestOutputHelper output)
{
    private const int Users = 100_000;

    [Fact]
    public async Task LastKnownPresenceOf100kUsers_UsesAtMostOneKiBPerUser()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var handle = await RelayHandle.StartAsync(
            new StateOptions { Mode = StateMode.Redis, Redis = redis.Configuration },
            new RelayOptions { RetentionMaxLength = Users });
        var organization = Presences.NewOrganization();
        var observed = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var before = await redis.InfoAsync("memory", "used_memory");

        foreach (var chunk in Enumerable.Range(0, Users).Chunk(1000))
        {
            // Realistic users: Entra object ids, Teams presence, observed-time versions.
            var batch = chunk.Select(i => new PresenceUpdate(
                organization,
                new Guid(i, 0, 0, new byte[8]).ToString("D"),
                Platform.Teams,
                PresenceState.ForCategory((PresenceCategory)(i % 10)),
                PresenceVersion.FromObservedTime(observed, (ulong)i),
                Platform.Teams,
                observed)).ToList();
            Assert.All(await handle.Relay.PublishAsync(batch, CancellationToken.None), o => Assert.Equal(PublishOutcome.Accepted, o));
        }

        var withStream = await redis.InfoAsync("memory", "used_memory");
        await redis.CliAsync("XTRIM", $"ph:{{{organization}}}:events", "MAXLEN", "0");
        var lastKnownOnly = await redis.InfoAsync("memory", "used_memory");

        var perUser = (withStream - before) / (double)Users;
        output.WriteLine($"used_memory per user: {perUser:0} B with one retained event each, {(lastKnownOnly - before) / (double)Users:0} B for last-known presence and the users index alone");
        Assert.True(perUser <= 1024, $"{perUser:0} bytes per user");
    }
}
