using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.Tests.Privacy;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>
/// Every way of leaving federation ends our <c>setPresence</c> session in Teams: the simulator's aggregated presence
/// is the judge (our DoNotDisturb session outranks the user's own Offline presence until it is cleared, and the clock
/// stands still, so it never lapses by itself in these tests unless a test says so).
/// </summary>
public sealed class LeavingFederationTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly WriteBackOptions Defaults = new();

    [Theory]
    [InlineData("erasure")]
    [InlineData("unassignment")]
    [InlineData("sign-out")]
    [InlineData("uninstall-sweep")]
    public async Task EveryWayOfLeaving_ClearsOurSessionInTeams_AndThenDeletesTheEntry(string way)
    {
        await using var world = await StartAsync(users: 2);
        using var calls = world.Calls();
        var (user, stayer) = (world.UserIds[0], world.UserIds[1]);
        await world.SignInAsync(user);
        await world.AssignAsync(stayer);
        await WriteDoNotDisturbAsync(world, user);
        await WriteDoNotDisturbAsync(world, stayer);

        await LeaveAsync(world, user, way);

        await world.UntilTeamsShowsAsync(user, "Offline", "Offline");
        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is null, because: "the entry of the user who left to be deleted");
        Assert.Equal(1, calls.Count("clear", "success"));
        // The user who stays keeps their session.
        Assert.Equal("DoNotDisturb", world.Control.GetPresence(stayer).Availability);
        Assert.NotNull(await world.SessionAsync(stayer));
        if (way == "erasure")
        {
            // The clear after the erasure leaves no new metadata entry about the erased user.
            var entries = await world.Gateway.Services.GetRequiredService<IMetadataLog>().QueryAsync(
                world.Organization, user, DateTimeOffset.MinValue, world.Control.Now.AddDays(1), 100, CancellationToken.None);
            Assert.Empty(entries);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GraphDownAtPurge_ThePurgeDoesNotWait_AndTheClearHappensOnceGraphIsBack(bool throttled)
    {
        var outage = new GraphOutage();
        await using var world = await StartAsync(users: 1, outage);
        using var calls = world.Calls();
        var user = world.UserIds[0];
        await world.AssignAsync(user);
        await WriteDoNotDisturbAsync(world, user);
        SetGraphDown(world, outage, throttled, down: true);

        // The unassignment answers although Graph cannot be reached; the clear is pending in the store.
        await LeaveAsync(world, user, "unassignment");
        var failed = await Eventually.UntilAsync(async () => await world.SessionAsync(user) is { Failures: > 0, Claim: null } s ? s : null,
            TimeSpan.FromSeconds(60), "a clear that failed while Graph was down");
        Assert.True(failed.IsLeaving);
        Assert.Empty(failed.Sources);
        Assert.NotNull(failed.RetryAt);
        Assert.Equal("DoNotDisturb", world.Control.GetPresence(user).Availability);
        // Presence a connector published on its way in does not bring the session back.
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.Available), 2));
        Assert.Empty((await world.SessionAsync(user))!.Sources);

        SetGraphDown(world, outage, throttled, down: false);
        world.Control.AdvanceClock(Defaults.MaxRetryDelay);

        await world.UntilTeamsShowsAsync(user, "Offline", "Offline");
        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is null, because: "the entry to be deleted after the clear");
        Assert.Equal(1, calls.Count("clear", "success"));
        Assert.Equal(1, calls.Count("set", "success"));
    }

    [Fact]
    public async Task GraphDownUntilTheSessionLapsed_TheEntryIsDeletedWithoutACall()
    {
        var outage = new GraphOutage();
        await using var world = await StartAsync(users: 1, outage);
        using var calls = world.Calls();
        var user = world.UserIds[0];
        await world.AssignAsync(user);
        await WriteDoNotDisturbAsync(world, user);
        outage.IsDown = true;
        await LeaveAsync(world, user, "unassignment");
        var failed = await Eventually.UntilAsync(async () => await world.SessionAsync(user) is { Failures: > 0, Claim: null } s ? s : null,
            because: "a clear that failed while Graph was down");

        // Past the bound no session of ours can outlive: Teams dropped it by itself, and the entry goes.
        world.Control.AdvanceClock(failed.EndsBy!.Value - world.Control.Now + TimeSpan.FromSeconds(1));

        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is null, because: "the lapsed entry to be deleted");
        Assert.Equal(0, calls.Count("clear", "success"));
        outage.IsDown = false;
        await world.UntilTeamsShowsAsync(user, "Offline", "Offline");
    }

    [Fact]
    public async Task PendingClear_IsDurableInRedis_AndTheNextGatewayMakesIt()
    {
        var outage = new GraphOutage();
        await using var world = await StartAsync(users: 1, outage, redis.Server.Configuration);
        var user = world.UserIds[0];
        await world.AssignAsync(user);
        await WriteDoNotDisturbAsync(world, user);
        outage.IsDown = true;
        await LeaveAsync(world, user, "unassignment");
        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is { Failures: > 0, Claim: null },
            because: "a clear that failed while Graph was down");

        // The gateway goes away with the clear undone; its successor finds it in Redis.
        outage.IsDown = false;
        await world.RestartGatewayAsync();
        world.Control.AdvanceClock(Defaults.MaxRetryDelay);

        await world.UntilTeamsShowsAsync(user, "Offline", "Offline");
        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is null, because: "the entry to be deleted after the clear");
    }

    [Fact]
    public async Task UserDeletedInTheDirectory_TheirEntryEnds_OnGraphsNotFound()
    {
        await using var world = await StartAsync(users: 1);
        using var calls = world.Calls();
        var user = world.UserIds[0];
        await world.AssignAsync(user);
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        await Eventually.UntilAsync(async () => (await directory.GetManyAsync(world.Organization, [user], CancellationToken.None))[0] is not null,
            because: "the assigned user's profile");
        await WriteDoNotDisturbAsync(world, user);

        Assert.True(world.Control.DeleteUser(user));
        await world.Gateway.Services.GetRequiredService<ProfileRefresher>().RefreshAsync(world.Organization, [(user, true)], CancellationToken.None);

        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is null, because: "the deleted user's entry to end");
        Assert.Equal(1, calls.Count("clear", "not-found"));
    }

    private async Task<GraphIngestWorld> StartAsync(int users, GraphOutage? outage = null, string? redisConfiguration = null)
    {
        var settings = WriteBackWorld.Settings(new Dictionary<string, string?> { ["Relay:KeyPrefix"] = "lv" + Guid.NewGuid().ToString("N")[..12] });
        return await GraphIngestWorld.StartAsync(users, redisConfiguration: redisConfiguration, gatewaySettings: settings, configureServices: services =>
        {
            if (outage is not null)
            {
                services.AddHttpClient(GraphAppClients.HttpClientName).AddHttpMessageHandler(outage.CreateHandler);
            }
        });
    }

    /// <summary>A connector's DoNotDisturb written into the user's Teams presence as our session, and recorded.</summary>
    private static async Task WriteDoNotDisturbAsync(GraphIngestWorld world, string user)
    {
        await world.SubmitAsync(world.Update(user, PresenceState.ForCategory(PresenceCategory.DoNotDisturb), 1));
        await world.UntilTeamsShowsAsync(user, "DoNotDisturb", "Presenting");
        await Eventually.UntilAsync(async () => await world.SessionAsync(user) is { ExpiresAt: not null, Claim: null }, because: "the written session");
    }

    private static async Task LeaveAsync(GraphIngestWorld world, string user, string way)
    {
        switch (way)
        {
            case "erasure":
            {
                using var response = await world.AdminAsync(HttpMethod.Delete, $"admin/organizations/{world.Organization}/users/{user}");
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                break;
            }

            case "unassignment":
            {
                using var response = await world.AdminAsync(HttpMethod.Delete, $"admin/organizations/{world.Organization}/consents/{user}");
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                break;
            }

            case "sign-out":
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, "api/consent");
                request.Headers.Authorization = new("Bearer", world.Control.MintTeamsSsoToken(world.Organization.ToString(), user, world.ClientId));
                using var response = await world.GatewayHttp.SendAsync(request);
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                break;
            }

            case "uninstall-sweep":
            {
                // The installation notification is lost: the sweep finds the uninstall.
                world.Control.ConfigureFaults(f => f with { DropNext = 1 });
                Assert.True(world.Control.UninstallApp(user, world.TeamsAppId));
                Assert.Equal(1, await world.Gateway.Services.GetRequiredService<AppInstallationSweeper>().SweepAsync(world.Organization, CancellationToken.None));
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(way), way, "Unknown way of leaving.");
        }

        var consenting = await world.Gateway.Services.GetRequiredService<IConsentStore>().AreConsentingAsync(world.Organization, [user], CancellationToken.None);
        Assert.False(consenting[0], $"the user still consents after {way}");
    }

    private static void SetGraphDown(GraphIngestWorld world, GraphOutage outage, bool throttled, bool down)
    {
        if (throttled)
        {
            world.Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = down ? 1 : 0, RetryAfterSeconds = 1 });
        }
        else
        {
            outage.IsDown = down;
        }
    }
}
