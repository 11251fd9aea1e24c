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
        // A new connector starts with a snapshot of every user's last-known presence; the count below is of changes.
        await Eventually.UntilAsync(() => first.Handled.Count(h => IsSnapshot(h.EventId)) == users.Count, because: "the snapshot did not arrive");
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
        IReadOnlyList<(string EventId, string UserId, string Version, int Coalesced)> beforeKill = first.Handled;
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
                fannedOut.AddRange(events.Where(e => !e.IsSnapshot && e.Kind == RelayEventKind.Presence));
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

        var afterRestart = second.Handled.Where(h => !IsSnapshot(h.EventId)).ToList();
        beforeKill = [.. beforeKill.Where(h => !IsSnapshot(h.EventId))];
        var distinct = beforeKill.Concat(afterRestart).DistinctBy(h => h.EventId).ToList();
        var fannedOutIds = fannedOut.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(distinct, h => Assert.Contains(h.EventId, fannedOutIds));
        // Every event fanned out was handled, or replaced by a newer one of the same user that was handled: the stream's
        // queue keeps a user's newest state, and an event redelivered after the kill no longer carries the count of
        // those it replaced in the dead session's queue.
        var handledIds = distinct.Select(h => h.EventId).ToHashSet(StringComparer.Ordinal);
        Assert.All(fannedOut, e => Assert.True(
            handledIds.Contains(e.Id) || distinct.Any(h => h.UserId == e.Presence!.UserId && string.CompareOrdinal(h.Version, e.Presence.Version.Stamp) > 0),
            $"event {e.Id} of {e.Presence!.UserId} was neither handled nor superseded by a handled newer state"));
        Assert.InRange(distinct.Count + distinct.Sum(h => h.Coalesced), 1, fannedOut.Count);
        // Within one process the SDK removes duplicates; across the kill only what was in flight comes again.
        Assert.Equal(beforeKill.Count, beforeKill.DistinctBy(h => h.EventId).Count());
        Assert.Equal(afterRestart.Count, afterRestart.DistinctBy(h => h.EventId).Count());
        // The hub resumed after the cursor the connector saved: nothing at or before it came again.
        var redelivered = afterRestart.Where(h => beforeKill.Any(b => b.EventId == h.EventId)).ToList();
        Assert.All(redelivered, h => Assert.False(RelayEventIds.IsAtOrBefore(h.EventId, savedCursor), $"{h.EventId} is at or before the saved cursor {savedCursor}"));
        Assert.All(beforeKill.Where(h => RelayEventIds.IsAtOrBefore(h.EventId, savedCursor)),
            h => Assert.DoesNotContain(afterRestart, a => a.EventId == h.EventId));
    }

    private static bool IsSnapshot(string eventId) => eventId.Contains('~', StringComparison.Ordinal);
}
