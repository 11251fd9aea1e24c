using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>Connectors as real processes, killed with SIGKILL mid-stream and restarted.</summary>
public sealed class ConnectorFaultTests
{
    private static readonly (string Availability, string Activity)[] States =
    [
        ("Available", "Available"), ("Busy", "InACall"), ("DoNotDisturb", "Presenting"), ("Away", "Away"), ("Busy", "InAMeeting"),
    ];

    [Fact]
    public async Task ConnectorKilledMidStream_ResumesAfterRestart_WithNoEventLost_AndAtMostTheInFlightBatchAgain()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var world = await ConnectorApiTests.StartAsync(users: 8, redis: redis.Configuration);
        var users = world.UserIds;
        var key = await world.IssueConnectorKeyAsync("worker", "xmpp");
        // An audit feed sees every event the relay fanned out, to account for each one.
        await using var audit = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "audit"), "audit", CancellationToken.None);
        var cursors = Directory.CreateTempSubdirectory("presencehub-cursor-").FullName;

        var first = ConnectorWorkerProcess.Start(world.ConnectorAddress, key, "xmpp-worker", "xmpp", cursors);
        await Eventually.UntilAsync(() => first.IsConnected, because: "the connector process did not connect");
        var changes = Task.Run(async () =>
        {
            for (var round = 0; round < 60; round++)
            {
                world.Control.SetUserPresence(users[round % users.Count], States[round % States.Length].Availability, States[round % States.Length].Activity);
                await Task.Delay(5);
            }
        });
        await Eventually.UntilAsync(() => first.Handled.Count >= 15, because: "the connector handled too little before the kill");
        await first.KillAsync();
        var beforeKill = first.Handled;
        var savedCursor = (await File.ReadAllTextAsync(Path.Combine(cursors, "xmpp-worker.cursor"))).Trim();
        await changes;

        await using var second = ConnectorWorkerProcess.Start(world.ConnectorAddress, key, "xmpp-worker", "xmpp", cursors);
        for (var round = 0; round < 20; round++)
        {
            world.Control.SetUserPresence(users[round % users.Count], States[(round + 2) % States.Length].Availability, States[(round + 2) % States.Length].Activity);
        }

        var fannedOut = new List<RelayEvent>();
        await Eventually.UntilAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                var events = await audit.ReadAsync(500, timeout.Token);
                fannedOut.AddRange(events);
                await audit.AcknowledgeAsync([.. events.Select(e => e.Id)], CancellationToken.None);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }

            var handled = beforeKill.Concat(second.Handled).ToList();
            return fannedOut.Count > 0 && users.All(u =>
                fannedOut.Where(e => e.Presence?.UserId == u).Select(e => e.Presence!.Version.Stamp).DefaultIfEmpty("").Max(StringComparer.Ordinal)
                == handled.Where(h => h.UserId == u).Select(h => h.Version).DefaultIfEmpty("").Max(StringComparer.Ordinal));
        }, because: "the restarted connector did not catch up with every user's newest presence");

        var afterRestart = second.Handled;
        var distinct = beforeKill.Concat(afterRestart).DistinctBy(h => h.EventId).ToList();
        var fannedOutIds = fannedOut.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(distinct, h => Assert.Contains(h.EventId, fannedOutIds));
        // Every event fanned out was handled, or replaced by a newer one of the same user in the same batch.
        Assert.Equal(fannedOut.Count, distinct.Count + distinct.Sum(h => h.Coalesced));
        // Within one process the SDK removes duplicates; across the kill only what was in flight comes again.
        Assert.Equal(beforeKill.Count, beforeKill.DistinctBy(h => h.EventId).Count());
        Assert.Equal(afterRestart.Count, afterRestart.DistinctBy(h => h.EventId).Count());
        // The hub resumed after the cursor the connector saved: nothing at or before it came again.
        var redelivered = afterRestart.Where(h => beforeKill.Any(b => b.EventId == h.EventId)).ToList();
        Assert.All(redelivered, h => Assert.False(RelayEventIds.IsAtOrBefore(h.EventId, savedCursor), $"{h.EventId} is at or before the saved cursor {savedCursor}"));
        Assert.All(beforeKill.Where(h => RelayEventIds.IsAtOrBefore(h.EventId, savedCursor)),
            h => Assert.DoesNotContain(afterRestart, a => a.EventId == h.EventId));
    }
}
