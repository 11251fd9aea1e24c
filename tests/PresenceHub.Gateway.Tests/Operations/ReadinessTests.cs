using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;
using PresenceHub.Gateway.Operations;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>
/// The probes of a real gateway: <c>/healthz/ready</c> and gRPC health follow a real redis-server being killed and
/// started again, and Graph app token acquisition against the simulator's Entra ID.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_FollowsRedis_503WhileStoppedAnd200WhenRunning_AndGrpcHealthAgrees()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var world = await GraphIngestWorld.StartAsync(users: 1, redisConfiguration: redis.Configuration);
        using var channel = GrpcChannel.ForAddress(world.ConnectorAddress);
        var health = new Health.HealthClient(channel);

        await Eventually.UntilAsync(async () => await ReadyStatusAsync(world) == HttpStatusCode.OK, because: "the gateway never became ready");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HttpStatusCode.OK, (await world.GatewayHttp.GetAsync("/healthz/live")).StatusCode);

        await redis.KillAsync();
        await Eventually.UntilAsync(async () => await ReadyStatusAsync(world) == HttpStatusCode.ServiceUnavailable,
            because: "readiness stayed 200 with Redis stopped");
        var report = await ReportAsync(world);
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        // Liveness runs no checks: a Redis outage must not get the pod restarted.
        Assert.Equal(HttpStatusCode.OK, (await world.GatewayHttp.GetAsync("/healthz/live")).StatusCode);

        await redis.RestartAsync();
        await Eventually.UntilAsync(async () => await ReadyStatusAsync(world) == HttpStatusCode.OK,
            because: "readiness did not return to 200 once Redis ran again");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task Ready_WithAConsentingOrganization_AcquiresAnAppTokenFromEntra()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        await world.AssignAsync(world.UserIds[0]);

        var report = await ReportAsync(world);

        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var token = report.GetProperty("checks").GetProperty("graph-token");
        Assert.Equal("Healthy", token.GetProperty("status").GetString());
        Assert.Equal("App tokens acquired for 1 organizations.", token.GetProperty("description").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_WhenEntraRejectsTheAppsSecret_Is503_OverHttpAndGrpc()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1,
            gatewaySettings: new Dictionary<string, string?> { ["Graph:ClientSecret"] = "not-the-apps-secret" });
        await world.AssignAsync(world.UserIds[0]);
        using var channel = GrpcChannel.ForAddress(world.ConnectorAddress);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyStatusAsync(world));
        var token = (await ReportAsync(world)).GetProperty("checks").GetProperty("graph-token");
        Assert.Equal("Unhealthy", token.GetProperty("status").GetString());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
            (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task Ready_WhenEntraTokenEndpointStopsAnswering_TurnsUnreadyAfterTheBoundDespiteTheCachedToken_AndReadyWhenItReturns()
    {
        var bound = TimeSpan.FromMinutes(2);
        await using var world = await GraphIngestWorld.StartAsync(users: 1, gatewaySettings: new Dictionary<string, string?>
        {
            ["Operations:GraphUnreachableAfter"] = "00:02:00",
        });
        await world.AssignAsync(world.UserIds[0]);
        var pastOneResult = GraphTokenReadinessCheck.ResultLifetime + TimeSpan.FromSeconds(1);
        Assert.Equal(HttpStatusCode.OK, await ReadyStatusAsync(world));

        world.Control.ConfigureFaults(f => f with { TokenEndpointUnavailable = true });
        // A blip shorter than the bound: the cached token still works and the gateway stays ready.
        world.Control.AdvanceClock(pastOneResult);
        Assert.Equal(HttpStatusCode.OK, await ReadyStatusAsync(world));

        world.Control.AdvanceClock(bound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyStatusAsync(world));
        var token = (await ReportAsync(world)).GetProperty("checks").GetProperty("graph-token");
        Assert.Equal("Unhealthy", token.GetProperty("status").GetString());
        Assert.StartsWith("Entra ID or Graph has not answered", token.GetProperty("description").GetString(), StringComparison.Ordinal);
        using var channel = GrpcChannel.ForAddress(world.ConnectorAddress);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
            (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);

        world.Control.ConfigureFaults(f => f with { TokenEndpointUnavailable = false });
        world.Control.AdvanceClock(pastOneResult);
        Assert.Equal(HttpStatusCode.OK, await ReadyStatusAsync(world));
    }

    private static async Task<HttpStatusCode> ReadyStatusAsync(GraphIngestWorld world)
    {
        using var response = await world.GatewayHttp.GetAsync("/healthz/ready");
        return response.StatusCode;
    }

    private static async Task<JsonElement> ReportAsync(GraphIngestWorld world)
    {
        using var response = await world.GatewayHttp.GetAsync("/healthz/ready");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
