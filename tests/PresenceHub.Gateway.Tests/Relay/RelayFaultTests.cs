using System.Collections.Concurrent;
using System.Globalization;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;
using Xunit.Abstractions;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>
/// Faults with real processes. Each test publishes rounds of updates for a set of users (round r gives every user
/// version r), breaks something mid-stream, and checks that no event whose publish was acknowledged is lost for the
/// connector and that the last-known state ends equal to the truth (every user at the last round).
/// </summary>
public sealed class RelayFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Users = 10;
    private const int Rounds = 400;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly string _prefix = "f" + Guid.NewGuid().ToString("N")[..10];
    private readonly OrganizationId _organization = Presences.NewOrganization();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private RedisServer? _redis;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    [Fact]
    public async Task KillConsumingRelayProcess_MidStream_LosesNoAcknowledgedEvent()
    {
        var options = await OptionsAsync();
        var gateway = await RelayAsync(options);
        await (await gateway.OpenFeedAsync(Connector, "setup", Timeout())).DisposeAsync();
        var first = Worker(options, "consume", _organization.ToString(), Connector.ConnectorId, "w1");

        var publishing = PublishRoundsAsync(gateway, 1, Rounds);
        await Poll.UntilAsync(() => Handled(first).Count >= 300, "the first worker to handle 300 events", Deadline);
        await first.KillAsync();
        Assert.False(publishing.IsCompleted, "The stream ended before the kill: the test proves nothing.");
        var second = Worker(options, "consume", _organization.ToString(), Connector.ConnectorId, "w2");
        await publishing;

        await Poll.UntilAsync(() => MissingFrom(Handled(first).Concat(Handled(second))).Count == 0, "every published event to be handled", Deadline);
        await AssertLastKnownIsTruthAsync(gateway);
        output.WriteLine($"worker 1 handled {Handled(first).Count} before SIGKILL; worker 2 handled {Handled(second).Count}; " +
                         $"redelivered {Handled(first).Count + Handled(second).Count - (Users * Rounds)} (unacknowledged at the kill)");
    }

    [Fact]
    public async Task KillPublishingRelayProcess_MidStream_LosesNoAcknowledgedEvent()
    {
        var options = await OptionsAsync();
        var gateway = await RelayAsync(options);
        await using var feed = await gateway.OpenFeedAsync(Connector, "c1", Timeout());
        var handled = new ConcurrentBag<(string User, long Round)>();
        using var stop = new CancellationTokenSource();
        var consuming = ConsumeAsync(feed, handled, stop.Token);
        var publisher = Worker(options, "publish", _organization.ToString(), Users.ToString(CultureInfo.InvariantCulture), "1", Rounds.ToString(CultureInfo.InvariantCulture), "2");

        await Poll.UntilAsync(() => Published(publisher) >= 40, "the publishing worker to publish 40 rounds", Deadline);
        await publisher.KillAsync();
        var acknowledged = Published(publisher);
        Assert.True(acknowledged < Rounds, "The publisher finished before the kill: the test proves nothing.");
        // As Graph does after a failed POST, publish again from the first round not acknowledged.
        var retried = await PublishRoundsAsync(gateway, acknowledged + 1, Rounds);

        await Poll.UntilAsync(() => MissingFrom(handled).Count == 0, "every published event to be handled", Deadline);
        await stop.CancelAsync();
        await consuming;
        await AssertLastKnownIsTruthAsync(gateway);
        output.WriteLine($"publisher acknowledged {acknowledged} rounds before SIGKILL; first retried round was {retried[0]} (duplicate = applied before the kill)");
    }

    [Fact]
    public async Task RestartRedisWithAppendOnlyFile_MidStream_LosesNoAcknowledgedEvent()
    {
        var options = await OptionsAsync(appendOnly: true);
        var publisherRelay = await RelayAsync(options);
        var consumerRelay = await RelayAsync(options);
        await using var feed = await consumerRelay.OpenFeedAsync(Connector, "c1", Timeout());
        var handled = new ConcurrentBag<(string User, long Round)>();
        using var stop = new CancellationTokenSource();
        var consuming = ConsumeAsync(feed, handled, stop.Token);

        var publishing = PublishRoundsAsync(publisherRelay, 1, Rounds, retryWhileUnavailable: true);
        await Poll.UntilAsync(() => handled.Count >= 300, "300 events to be handled before the restart", Deadline);
        await _redis!.KillAsync();
        Assert.False(publishing.IsCompleted, "The stream ended before the kill: the test proves nothing.");
        await _redis.RestartAsync();
        await publishing;

        await Poll.UntilAsync(() => MissingFrom(handled).Count == 0, "every published event to be handled", Deadline);
        await stop.CancelAsync();
        await consuming;
        await AssertLastKnownIsTruthAsync(publisherRelay);
        output.WriteLine($"handled {handled.Count} events for {Users * Rounds} published across a SIGKILL and restart of redis-server");
    }

    [Fact]
    public async Task ReconnectConsumerToAnotherReplica_MidStream_ResumesAfterLastAcknowledgement()
    {
        var options = await OptionsAsync();
        var gateway = await RelayAsync(options);
        var replica = await RelayAsync(options);
        var acknowledged = new HashSet<string>();
        var handled = new List<(string User, long Round)>();
        await (await gateway.OpenFeedAsync(Connector, "setup", Timeout())).DisposeAsync();
        var publishing = PublishRoundsAsync(gateway, 1, Rounds);

        // Session 1 on one replica: acknowledges what it handled, then drops with a batch in hand.
        IReadOnlyList<RelayEvent> inHand;
        await using (var session = await gateway.OpenFeedAsync(Connector, "xmpp-1", Timeout()))
        {
            await HandleAsync(session, 200);
            inHand = await session.ReadAsync(25, Timeout());
        }

        // Session 2, the same connector instance on the other replica: the batch in hand comes back first.
        await using (var session = await replica.OpenFeedAsync(Connector, "xmpp-1", Timeout()))
        {
            var first = await session.ReadAsync(25, Timeout());
            Assert.Equal(inHand.Select(e => e.Id), first.Select(e => e.Id));
            await session.AcknowledgeAsync(first.Select(e => e.Id).ToList(), Timeout());
            acknowledged.UnionWith(first.Select(e => e.Id));
            handled.AddRange(first.Select(Key));
            await HandleAsync(session, 600);
            inHand = await session.ReadAsync(25, Timeout());
        }

        // Session 3, a new connector instance: takes over the abandoned batch once idle, then the rest.
        await using var third = await gateway.OpenFeedAsync(Connector, "xmpp-2", Timeout());
        await publishing;
        var reclaimed = new List<string>();
        while (MissingFrom(handled).Count > 0 || !inHand.All(e => reclaimed.Contains(e.Id)))
        {
            var events = await third.ReadAsync(100, Timeout());
            Assert.DoesNotContain(events, e => acknowledged.Contains(e.Id));
            reclaimed.AddRange(events.Select(e => e.Id));
            handled.AddRange(events.Select(Key));
            await third.AcknowledgeAsync(events.Select(e => e.Id).ToList(), Timeout());
        }

        Assert.Empty(MissingFrom(handled));
        Assert.Equal(Users * Rounds, handled.Count);
        await AssertLastKnownIsTruthAsync(replica);
        output.WriteLine($"{Users * Rounds} events handled once each over three sessions on two replicas");

        async Task HandleAsync(IRelayFeed session, int until)
        {
            while (handled.Count < until)
            {
                var events = await session.ReadAsync(25, Timeout());
                Assert.DoesNotContain(events, e => acknowledged.Contains(e.Id));
                handled.AddRange(events.Select(Key));
                await session.AcknowledgeAsync(events.Select(e => e.Id).ToList(), Timeout());
                acknowledged.UnionWith(events.Select(e => e.Id));
            }
        }
    }

    private ConnectorFeedId Connector => new(_organization, "xmpp");

    private static CancellationToken Timeout() => new CancellationTokenSource(Deadline).Token;

    private static (string User, long Round) Key(RelayEvent e) => (e.Presence!.UserId, Presences.Sequence(e.Presence));

    private static List<(string User, long Round)> Handled(RelayWorkerProcess worker) =>
        worker.Lines.Where(l => l.StartsWith("HANDLED ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (p[1], long.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();

    private static int Published(RelayWorkerProcess worker) =>
        worker.Lines.Where(l => l.StartsWith("PUBLISHED ", StringComparison.Ordinal))
            .Select(l => int.Parse(l[10..], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private static List<(string User, long Round)> MissingFrom(IEnumerable<(string User, long Round)> handled)
    {
        var seen = handled.ToHashSet();
        return [.. from round in Enumerable.Range(1, Rounds)
                   from user in Enumerable.Range(1, Users)
                   let key = ("u" + user, (long)round)
                   where !seen.Contains(key)
                   select key];
    }

    private async Task<RelaySetup> OptionsAsync(bool appendOnly = false)
    {
        _redis = await RedisServer.StartAsync(appendOnly);
        _cleanup.Add(_redis);
        return new RelaySetup(
            new StateOptions { Mode = StateMode.Redis, Redis = _redis.Configuration, KeyPrefix = _prefix },
            new RelayOptions { ReclaimIdle = TimeSpan.FromMilliseconds(500) });
    }

    private async Task<IPresenceRelay> RelayAsync(RelaySetup options)
    {
        var handle = await RelayHandle.StartAsync(options.State, options.Relay);
        _cleanup.Add(handle);
        return handle.Relay;
    }

    private RelayWorkerProcess Worker(RelaySetup options, params string[] verb)
    {
        var worker = RelayWorkerProcess.Start(options.State, options.Relay, verb);
        _cleanup.Add(worker);
        return worker;
    }

    /// <summary>Where the relay under test keeps its data, and how it paces connectors.</summary>
    private sealed record RelaySetup(StateOptions State, RelayOptions Relay);

    /// <summary>Publishes rounds in order; returns the outcome of each round's first update.</summary>
    private async Task<List<PublishOutcome>> PublishRoundsAsync(IPresenceRelay relay, int from, int to, bool retryWhileUnavailable = false)
    {
        var firsts = new List<PublishOutcome>();
        for (var round = from; round <= to; round++)
        {
            var batch = Enumerable.Range(1, Users).Select(u => Presences.Update(_organization, "u" + u, round)).ToList();
            while (true)
            {
                try
                {
                    var outcomes = await relay.PublishAsync(batch, Timeout());
                    Assert.DoesNotContain(PublishOutcome.Stale, outcomes);
                    firsts.Add(outcomes[0]);
                    break;
                }
                catch (StateUnavailableException) when (retryWhileUnavailable)
                {
                    // Graph retries a notification the webhook answered with 5xx; so does this publisher.
                    await Task.Delay(20);
                }
            }

            // Paced like a live tenant, so faults land mid-stream.
            await Task.Delay(1);
        }

        return firsts;
    }

    private static async Task ConsumeAsync(IRelayFeed feed, ConcurrentBag<(string User, long Round)> handled, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var events = await feed.ReadAsync(50, stop);
                foreach (var e in events)
                {
                    handled.Add(Key(e));
                }

                await feed.AcknowledgeAsync(events.Select(e => e.Id).ToList(), CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (StateUnavailableException)
            {
                // Redis is restarting: the connector API would keep the stream open and read again.
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private async Task AssertLastKnownIsTruthAsync(IPresenceRelay relay)
    {
        var subjects = Enumerable.Range(1, Users).Select(u => new PresenceSubject(Platform.Teams, "u" + u)).ToList();
        var known = await relay.GetLastKnownAsync(_organization, subjects, Timeout());
        Assert.All(known, k => Assert.Equal(Presences.Update(_organization, k!.UserId, Rounds), k));
    }
}
