using System.Globalization;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.GraphSimulator;
using Xunit.Abstractions;
using HandledEvent = PresenceHub.Gateway.Tests.Connectors.ConnectorWorkerProcess.HandledEvent;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// The fault suite: real processes killed with SIGKILL while presence streams from Graph to a connector through two
/// gateway replicas sharing one redis-server (AOF, fsync always). Each scenario prints a <see cref="FaultReport"/> line
/// and asserts 0 events lost, 0 duplicates after the SDK's deduplication and 0 final-state errors; recovery and
/// convergence times are measured and printed, never asserted. <c>bench/run faults</c> runs it with larger counts.
/// </summary>
public sealed class GatewayFaultTests(ITestOutputHelper output)
{
    private const string ConnectorId = "xmpp-faults";
    private static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromSeconds(90);

    // Processes start slowly when the machine's two cores are shared with other builds and test runs.
    private static readonly TimeSpan SetUpDeadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ReplicaKilledMidStream_ConnectorMovesToTheOther_AndNothingAcknowledgedIsLost()
    {
        await using var world = await FaultWorld.StartAsync(FaultScale.Users);
        await world.OpenAuditAsync();
        var connector = world.StartConnector(ConnectorId);
        await Poll.UntilAsync(() => connector.IsConnected, "the connector to connect", SetUpDeadline);
        var victim = await Eventually.UntilAsync(world.ReplicaWithStreamsAsync, SetUpDeadline, "no replica reported the connector's stream");
        var survivor = world.Replicas.Single(r => r != victim);

        var traffic = new PresenceTraffic(world.Control, world.UserIds);
        var running = traffic.RunAsync(FaultScale.Changes, FaultScale.Rate);
        await Poll.UntilAsync(() => traffic.Sent >= FaultScale.Changes * 2 / 5, "the traffic to reach the fault");
        var before = connector.Events.Count;
        var killedAt = TimeProvider.System.GetUtcNow();
        await victim.KillAsync();
        await running;

        var converged = await ConvergeAsync(world, () => connector.Events, traffic);
        var streamsOnSurvivor = await survivor.ScrapeAsync("presencehub_connector_streams");
        // Recovered when the connector, connected again (to the survivor), handled an event: what it handled after the
        // kill but before reconnecting was already on its way through the dead replica's socket.
        var reconnectedAt = connector.ConnectedAt.LastOrDefault();
        var report = FaultReport.Account("replica_kill", traffic.Sent, await world.ReadAuditAsync(), [connector.Events], world.SimulatorPresence(),
            reconnectedAt > killedAt && FirstDeliveryAfter(reconnectedAt, connector.Events) is { } after ? reconnectedAt - killedAt + after : null, converged,
            FaultWorld.Invariant($"killed_replica={victim.Name} reconnect_ms={(long)(reconnectedAt - killedAt).TotalMilliseconds} handled_before_kill={before} connector_connections={connector.Connections} webhook_connections={string.Join('/', world.Webhooks.Connections)} failed_posts={world.Control.Statistics.FailedPosts} survivor_errors={survivor.ErrorLines.Count}"));
        Print(report);

        Assert.True(connector.Connections >= 2, "the connector did not reconnect after its replica died");
        Assert.Equal(1, streamsOnSurvivor);
        Assert.True(survivor.ErrorLines.Count == 0, $"the surviving replica logged errors:\n{string.Join('\n', survivor.ErrorLines)}");
        AssertClean(report, world);
    }

    [Fact]
    public async Task RedisKilledAndRestartedMidStream_WithAofAlways_NothingAcknowledgedIsLost()
    {
        await using var world = await FaultWorld.StartAsync(FaultScale.Users);
        await world.OpenAuditAsync();
        var connector = world.StartConnector(ConnectorId);
        await Poll.UntilAsync(() => connector.IsConnected, "the connector to connect", SetUpDeadline);

        var traffic = new PresenceTraffic(world.Control, world.UserIds);
        var running = traffic.RunAsync(FaultScale.Changes, FaultScale.Rate);
        await Poll.UntilAsync(() => traffic.Sent >= FaultScale.Changes * 2 / 5, "the traffic to reach the fault");
        var failedBefore = world.Control.Statistics.FailedPosts;
        var killedAt = TimeProvider.System.GetUtcNow();
        await world.Redis.KillAsync();
        // Down until Graph saw the gateways refuse a delivery (503: the relay is unreachable), so the outage is real.
        await Poll.UntilAsync(() => world.Control.Statistics.FailedPosts > failedBefore || running.IsCompleted, "a notification POST to fail while Redis is down");
        await world.Redis.RestartAsync();
        var restartedAt = TimeProvider.System.GetUtcNow();
        await running;

        var converged = await ConvergeAsync(world, () => connector.Events, traffic);
        var report = FaultReport.Account("redis_kill", traffic.Sent, await world.ReadAuditAsync(), [connector.Events], world.SimulatorPresence(),
            FirstDeliveryAfter(restartedAt, connector.Events) is { } after ? restartedAt - killedAt + after : null, converged,
            FaultWorld.Invariant($"redis_down_ms={(long)(restartedAt - killedAt).TotalMilliseconds} failed_posts={world.Control.Statistics.FailedPosts - failedBefore} connector_connections={connector.Connections} replicas_running={world.Replicas.Count(r => r.IsRunning)} error_logs_during_outage={world.Replicas.Sum(r => r.ErrorLines.Count)}"));
        Print(report);

        Assert.All(world.Replicas, r => Assert.True(r.IsRunning, $"replica {r.Name} died with Redis:\n{r.Transcript}"));
        AssertClean(report, world);
    }

    [Fact]
    public async Task ConnectorKilledAndRestartedMidStream_ResumesFromItsFileCursor_NothingLostNothingBeforeTheCursorAgain()
    {
        await using var world = await FaultWorld.StartAsync(FaultScale.Users);
        await world.OpenAuditAsync();
        var first = world.StartConnector(ConnectorId);
        await Poll.UntilAsync(() => first.IsConnected, "the connector to connect", SetUpDeadline);

        var traffic = new PresenceTraffic(world.Control, world.UserIds);
        var running = traffic.RunAsync(FaultScale.Changes, FaultScale.Rate);
        await Poll.UntilAsync(() => traffic.Sent >= FaultScale.Changes * 2 / 5 && first.Events.Count > 0, "the traffic to reach the fault");
        var killedAt = TimeProvider.System.GetUtcNow();
        await first.KillAsync();
        var beforeKill = first.Events;
        var cursorFile = Path.Combine(world.CursorDirectory, ConnectorId + ".cursor");
        var savedCursor = File.Exists(cursorFile) ? (await File.ReadAllTextAsync(cursorFile)).Trim() : null;
        var second = world.StartConnector(ConnectorId);
        await running;

        var converged = await ConvergeAsync(world, () => [.. beforeKill, .. second.Events], traffic);
        var afterRestart = second.Events;
        var report = FaultReport.Account("connector_kill", traffic.Sent, await world.ReadAuditAsync(), [beforeKill, afterRestart], world.SimulatorPresence(),
            FirstDeliveryAfter(killedAt, afterRestart), converged,
            FaultWorld.Invariant($"handled_before_kill={beforeKill.Count} handled_after_restart={afterRestart.Count}"));
        Print(report);

        // What came again is only what was in flight past the cursor the connector had saved when it died.
        Assert.All(afterRestart.Where(e => beforeKill.Any(b => b.EventId == e.EventId)),
            e => Assert.False(RelayEventIds.IsAtOrBefore(e.EventId, savedCursor), $"{e.EventId} came again though the saved cursor {savedCursor} covers it"));
        AssertNoErrorLogs(world);
        AssertClean(report, world);
    }

    [Fact]
    public async Task GraphDuplicatingReorderingAndDropping_ReconcilerRepairsTheDrops_ConnectorEndsOnEveryUsersPresence()
    {
        await using var world = await FaultWorld.StartAsync(FaultScale.Users, new Dictionary<string, string> { ["Graph:ReconcileInterval"] = "00:00:05" });
        await world.OpenAuditAsync();
        var connector = world.StartConnector(ConnectorId);
        await Poll.UntilAsync(() => connector.IsConnected, "the connector to connect", SetUpDeadline);

        world.Control.SetFaults(new FaultSettings { DuplicatePercentage = 10, DelayPercentage = 10, Reorder = true, DropPercentage = 5 });
        var traffic = new PresenceTraffic(world.Control, world.UserIds);
        await traffic.RunAsync(FaultScale.Changes, FaultScale.Rate);
        var statistics = world.Control.Statistics;

        var converged = await ConvergeAsync(world, () => connector.Events, traffic);
        var corrections = 0d;
        foreach (var replica in world.Replicas)
        {
            corrections += await replica.ScrapeAsync("presencehub_reconciliation_corrections_total") ?? 0;
        }

        var report = FaultReport.Account("graph_faults", traffic.Sent, await world.ReadAuditAsync(), [connector.Events], world.SimulatorPresence(), null, converged,
            FaultWorld.Invariant($"dropped={statistics.DroppedByFault} duplicated={statistics.DuplicatedByFault} delayed={statistics.DelayedByFault} reconciliation_corrections={corrections}"));
        Print(report);

        // The knobs really did something, or the scenario proves nothing.
        Assert.True(statistics.DroppedByFault > 0 && statistics.DuplicatedByFault > 0 && statistics.DelayedByFault > 0,
            $"the simulator's faults did not fire: {statistics}");
        AssertNoErrorLogs(world);
        AssertClean(report, world);
    }

    [Fact]
    public async Task StalledConnector_DoesNotHoldBackAHealthyOne_AndTheGatewayHoldsNoMoreThanItsBound()
    {
        const int maxBatch = 8, maxUnacknowledged = 16;
        await using var world = await FaultWorld.StartAsync(FaultScale.Users, new Dictionary<string, string>
        {
            ["Connectors:MaxBatchSize"] = maxBatch.ToString(CultureInfo.InvariantCulture),
            ["Connectors:MaxUnacknowledgedEvents"] = maxUnacknowledged.ToString(CultureInfo.InvariantCulture),
        });
        var bound = ConnectorSession.HeldBound(new ConnectorOptions { MaxBatchSize = maxBatch, MaxUnacknowledgedEvents = maxUnacknowledged });
        await world.OpenAuditAsync();
        var healthy = world.StartConnector("xmpp-healthy");
        var stalled = world.StartConnector("xmpp-stalled");
        await Poll.UntilAsync(() => healthy.IsConnected && stalled.IsConnected, "both connectors to connect", SetUpDeadline);

        // Alone: both connectors read.
        var alone = new PresenceTraffic(world.Control, world.UserIds);
        var aloneStart = TimeProvider.System.GetUtcNow();
        await alone.RunAsync(FaultScale.Changes / 2, FaultScale.Rate);
        await ConvergeAsync(world, () => healthy.Events, alone);
        var memoryBefore = world.Replicas.Sum(r => r.ResidentBytes);

        // Beside a stalled one: its handler hangs, it reads nothing more, but it heartbeats, so its stream stays open.
        await stalled.StallAsync();
        await Poll.UntilAsync(() => stalled.Lines.Contains("stalled"), "the connector to stall");
        var stalledStart = TimeProvider.System.GetUtcNow();
        var beside = new PresenceTraffic(world.Control, world.UserIds, round: 2);
        var maxHeld = 0d;
        var running = beside.RunAsync(FaultScale.Changes - (FaultScale.Changes / 2), FaultScale.Rate);
        using (var sampling = new CancellationTokenSource())
        {
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    foreach (var replica in world.Replicas)
                    {
                        maxHeld = Math.Max(maxHeld, await replica.ScrapeAsync("presencehub_connector_held") ?? 0);
                    }

                    await Task.Delay(20);
                }
            });
            await running;
            var converged = await ConvergeAsync(world, () => healthy.Events, beside);
            await sampling.CancelAsync();
            await sampler;

            var memoryAfter = world.Replicas.Sum(r => r.ResidentBytes);
            var (aloneP50, aloneP99) = Lag(healthy.Events.Where(e => !e.IsSnapshot && e.HandledAt >= aloneStart && e.HandledAt < stalledStart));
            var (besideP50, besideP99) = Lag(healthy.Events.Where(e => !e.IsSnapshot && e.HandledAt >= stalledStart));
            var report = FaultReport.Account("stalled_connector", alone.Sent + beside.Sent, await world.ReadAuditAsync(), [healthy.Events], world.SimulatorPresence(),
                null, converged,
                FaultWorld.Invariant($"healthy_lag_alone_p50_ms={aloneP50} p99_ms={aloneP99} healthy_lag_beside_stalled_p50_ms={besideP50} p99_ms={besideP99} stalled_handled={stalled.Events.Count} held_max={maxHeld} held_bound={bound} replicas_rss_mb_before={memoryBefore / 1048576} after={memoryAfter / 1048576}"));
            Print(report);

            // The stall really backed events up in the gateway, and no further than the bound.
            Assert.True(maxHeld >= maxUnacknowledged, $"the stalled stream never filled its window (held at most {maxHeld})");
            Assert.True(maxHeld <= bound, $"a stalled stream held {maxHeld} events, beyond the bound of {bound}");
            AssertNoErrorLogs(world);
            AssertClean(report, world);
        }
    }

    private static async Task<TimeSpan> ConvergeAsync(FaultWorld world, Func<IReadOnlyList<HandledEvent>> handled, PresenceTraffic traffic)
    {
        try
        {
            await Poll.UntilAsync(() => FaultReport.CountFinalStateErrors(handled(), world.SimulatorPresence()) == 0,
                "the connector to show every user's final presence", ConvergenceDeadline);
        }
        catch (TimeoutException)
        {
            // The report counts the final-state errors and the assertion fails with it.
        }

        return TimeProvider.System.GetUtcNow() - traffic.LastChangeAt;
    }

    private static TimeSpan? FirstDeliveryAfter(DateTimeOffset instant, IReadOnlyList<HandledEvent> events) =>
        events.Where(e => e.HandledAt > instant).Select(e => e.HandledAt).DefaultIfEmpty().Min() is var first && first > instant ? first - instant : null;

    private static (long P50, long P99) Lag(IEnumerable<HandledEvent> events)
    {
        var lags = events.Select(e => e.LagMilliseconds).Order().ToList();
        return lags.Count == 0 ? (0, 0) : (lags[(lags.Count - 1) / 2], lags[(int)Math.Ceiling(lags.Count * 0.99) - 1]);
    }

    private void Print(FaultReport report) => output.WriteLine(report.Line);

    private static void AssertNoErrorLogs(FaultWorld world) =>
        Assert.All(world.Replicas, r => Assert.True(r.ErrorLines.Count == 0, $"replica {r.Name} logged errors:\n{string.Join('\n', r.ErrorLines)}"));

    private static void AssertClean(FaultReport report, FaultWorld world)
    {
        Assert.True(report.Lost == 0, $"{report.Lost} acknowledged events lost: {report.Line}\n{world.Transcripts()}");
        Assert.True(report.Duplicates == 0, $"{report.Duplicates} duplicates delivered: {report.Line}");
        Assert.True(report.FinalStateErrors == 0, $"{report.FinalStateErrors} users' final presence wrong: {report.Line}\n{world.Transcripts()}");
    }
}
