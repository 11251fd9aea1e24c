using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using PresenceHub.Connector.Sdk;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>The connector stream's flow control and session rules, and the gRPC health and reflection services.</summary>
public sealed class ConnectorStreamTests
{
    [Fact]
    public async Task Health_IsServing_AndReflection_IsOffUnlessSwitchedOn()
    {
        await using var off = await ConnectorApiTests.StartAsync(users: 1);
        using (var channel = GrpcChannel.ForAddress(off.ConnectorAddress))
        {
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
            var error = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(channel));
            Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        }

        await using var on = await ConnectorApiTests.StartAsync(users: 1, settings: new Dictionary<string, string?> { ["Connectors:EnableReflection"] = "true" });
        using var reflective = GrpcChannel.ForAddress(on.ConnectorAddress);
        Assert.Contains("presencehub.v1.ConnectorService", await ListServicesAsync(reflective));
    }

    [Fact]
    public async Task SlowConnector_GetsTheNewestStatePerUser_WithinItsWindow_AndNothingIsLost()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 4, settings: new Dictionary<string, string?>
        {
            ["Connectors:MaxUnacknowledgedEvents"] = "4",
            ["Connectors:MaxBatchSize"] = "64",
        });
        var users = world.UserIds;
        var key = await world.IssueConnectorKeyAsync();
        var gate = new SemaphoreSlim(0);
        var handler = new GatedHandler(gate);
        await using var connector = ConnectorApiTests.Connect(world, key, "slow-1", "slack", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        // 40 changes while the connector handles nothing: the hub sends at most its window and queues the rest.
        string[] activities = ["Available", "Away", "BeRightBack", "Busy", "DoNotDisturb"];
        for (var round = 0; round < 10; round++)
        {
            world.Control.SetUserPresences(users.Select((u, i) => (u, activities[(round + i) % activities.Length], activities[(round + i) % activities.Length])));
        }

        // Every user's final state in Graph, not just any round: Graph may deliver the 40 changes in several POSTs.
        var truth = users.ToDictionary(u => u, u => Availability.Parse(world.Control.GetPresence(u).Availability));
        await Eventually.UntilAsync(async () =>
        {
            foreach (var user in users)
            {
                if ((await world.LastKnownAsync(user))?.State.Availability != truth[user])
                {
                    return false;
                }
            }

            return true;
        }, because: "the last round of changes did not reach the relay");
        await Eventually.UntilAsync(() => handler.Waiting == 1, because: "the connector's handler was never called");
        Assert.True(handler.Snapshot().Length <= 4, $"{handler.Snapshot().Length} events arrived beyond the window of 4");

        gate.Release(1000);

        await Eventually.UntilAsync(() =>
        {
            var received = handler.Snapshot();
            return users.All(u => received.Where(e => e.Update.UserId == u).MaxBy(e => e.Update.Version)?.State.Availability == truth[u]);
        }, because: "the slow connector did not end at every user's newest state");
        var received = handler.Snapshot();
        var accounted = received.Length + received.Sum(e => e.CoalescedCount);
        Assert.True(accounted <= 40 + users.Count, $"accounted {accounted}");
        Assert.True(received.Length < 40, "nothing was coalesced for the slow connector");
    }

    [Fact]
    public async Task SecondSessionOfTheSameConnectorId_ReplacesTheFirst()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var key = await world.IssueConnectorKeyAsync();
        var firstHandler = new RecordingHandler();
        var secondHandler = new RecordingHandler();
        await using var first = ConnectorApiTests.Connect(world, key, "same-id", "slack", firstHandler);
        await first.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => first.Status == ConnectionStatus.Connected, because: "the first session did not connect");
        var firstSession = first.SessionId;
        await using var second = ConnectorApiTests.Connect(world, key, "same-id", "slack", secondHandler);
        await second.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => second.Status == ConnectionStatus.Connected && first.SessionId != firstSession,
            because: "the first session was not ended when the second connected");
    }

    private static async Task<List<string>> ListServicesAsync(GrpcChannel channel)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        try
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // A server without reflection may end the call before the request is written; the response carries why.
        }

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }

    private sealed class GatedHandler(SemaphoreSlim gate) : IConnectorHandler
    {
        private int _waiting;

        private List<PresenceEvent> Received { get; } = [];

        public int Waiting => Volatile.Read(ref _waiting);

        /// <summary>What arrived so far: a copy, since events keep arriving on the SDK's thread.</summary>
        public PresenceEvent[] Snapshot()
        {
            lock (Received)
            {
                return [.. Received];
            }
        }

        public async ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
        {
            lock (Received)
            {
                Received.Add(presenceEvent);
            }

            Interlocked.Increment(ref _waiting);
            await gate.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref _waiting);
        }
    }
}
