using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Gateway.DataSubjects;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>Write-back on a real redis-server: sessions outlive the gateway that accepted them.</summary>
public sealed class RedisWriteBackTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly WriteBackOptions Defaults = new();

    [Fact]
    public async Task GatewayDisposedBeforeItsWrite_AnotherGatewayOnTheSameRedisWritesTheSession()
    {
        await using var world = await StartAsync();
        var user = world.UserIds[0];

        // Graph throttles everything, so the first gateway accepts the submission but cannot write it.
        world.Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = 1, RetryAfterSeconds = 1 });
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 1));
        await Eventually.UntilAsync(() => world.Control.Statistics.ThrottledCalls > 0, because: "the first gateway's write attempt");
        await world.RestartGatewayAsync();
        world.Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = 0 });
        var shown = world.Control.GetPresence(user);
        Assert.NotEqual("DoNotDisturb", shown.Availability);

        // The dead gateway's claim (or its recorded failure) runs out; the new gateway takes the session over.
        world.Control.AdvanceClock(Defaults.ClaimTimeout + TimeSpan.FromSeconds(1));
        await world.UntilTeamsShowsAsync(user, "DoNotDisturb", "Presenting");
        var session = await Eventually.UntilAsync(async () =>
            await world.SessionAsync(user) is { AppliedPair: "DoNotDisturb/Presenting" } s ? s : null);
        Assert.Null(session.Claim);
        Assert.Equal("xmpp", session.AppliedPlatform);
    }

    [Fact]
    public async Task SessionCreatedByAStoppedGateway_IsRefreshedByItsSuccessor()
    {
        await using var world = await StartAsync();
        var user = world.UserIds[0];
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.InACall), 1));
        await world.UntilTeamsShowsAsync(user, "Busy", "InACall");
        var created = await Eventually.UntilAsync(async () => await world.SessionAsync(user) is { ExpiresAt: not null } s ? s : null);

        await world.RestartGatewayAsync();
        var step = Defaults.SessionLifetime - Defaults.RefreshBefore + TimeSpan.FromMinutes(1);
        var expiry = created.ExpiresAt!.Value;
        for (var round = 0; round < 2; round++)
        {
            world.Control.AdvanceClock(step);
            var previous = expiry;
            expiry = (await Eventually.UntilAsync(async () =>
                await world.SessionAsync(user) is { ExpiresAt: { } e } s && e > previous ? s : null, because: $"refresh {round + 1}")).ExpiresAt!.Value;
        }

        Assert.True(world.Control.Now > created.ExpiresAt, "the clock did not pass the first session's expiry");
        var shown = world.Control.GetPresence(user);
        Assert.Equal(("Busy", "InACall"), (shown.Availability, shown.Activity));
    }

    [Fact]
    public async Task TwoReplicasOnOneRedis_WriteAndRefreshEachSessionExactlyOnce()
    {
        await using var world = await StartAsync(users: 6);
        using var calls = world.Calls();

        // A second replica: the same configuration and clock, its own process state, only its worker and keeper running.
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddConfiguration(world.Gateway.Services.GetRequiredService<IConfiguration>());
        builder.Services.AddSingleton(world.Simulator.Clock);
        builder.AddPresenceRelay();
        builder.AddAccess();
        builder.AddGraphIngest();
        builder.AddDataSubjectRights();
        builder.AddPresenceWriteBack();
        using var replica = builder.Build();
        using var replicaCalls = new WriteBackCalls(replica.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await replica.StartAsync();

        await world.SubmitAsync([.. world.UserIds.Select(u => world.Update(u, PresenceState.ForCategory(PresenceCategory.InACall), 1))]);
        foreach (var user in world.UserIds)
        {
            await world.UntilTeamsShowsAsync(user, "Busy", "InACall");
        }

        await Eventually.UntilAsync(() => calls.Total + replicaCalls.Total >= world.UserIds.Count);
        world.Control.AdvanceClock(Defaults.SessionLifetime - Defaults.RefreshBefore + TimeSpan.FromMinutes(1));
        await Eventually.UntilAsync(() => calls.Total + replicaCalls.Total >= 2 * world.UserIds.Count, because: "every session refreshed");

        // Both workers looked for due work all along; claims let exactly one call Graph per session and step.
        await world.Worker().RunPassAsync(CancellationToken.None);
        await replica.Services.GetRequiredService<PresenceWriteBackWorker>().RunPassAsync(CancellationToken.None);
        Assert.Equal(2 * world.UserIds.Count, calls.Count("set", "success") + replicaCalls.Count("set", "success"));
        Assert.Equal(2 * world.UserIds.Count, calls.Total + replicaCalls.Total);
        await replica.StopAsync();
    }

    [Fact]
    public async Task EchoTagging_ReadsSessionsFromRedis()
    {
        await using var world = await StartAsync(users: 2);
        var user = world.UserIds[1];
        await world.SubscribePresenceAsync(world.UserIds[0], world.UserIds);
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 1, Platform.Slack));
        var echo = await Eventually.UntilAsync(async () =>
            await world.LastKnownAsync(user) is { State.Availability.Value: "DoNotDisturb" } u ? u : null);
        Assert.Equal(Platform.Slack, echo.Origin);
    }

    private Task<Graph.GraphIngestWorld> StartAsync(int users = 1) => WriteBackWorld.StartAsync(users, redis.Server.Configuration,
        new Dictionary<string, string?> { ["Relay:KeyPrefix"] = "wb" + Guid.NewGuid().ToString("N")[..12] });
}
