using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using StackExchange.Redis;

namespace PresenceHub.Bench;

/// <summary>
/// The Redis relay against raw XADD on the same Redis, in one run:
/// 1. raw baseline: redis-benchmark's XADD with pipelining 16 (run by bench/run, passed as --raw-xadd); for reference
///    the same through StackExchange.Redis from this process (16 pipelined per client, 4 clients), which shows the
///    ceiling of the .NET client on this machine;
/// 2. sustained: 4 publishers push batches of 100 updates through <see cref="IPresenceRelay.PublishAsync"/> while one
///    connector feed reads and acknowledges; events/s = events acknowledged / time until the last acknowledgement;
/// 3. latency: one publisher paced at half the sustained rate; publish-call-to-read latency per event, p50/p99.
/// </summary>
internal static class RelayBenchmark
{
    private const int Users = 10_000;
    private const int BatchSize = 100;
    private const int Publishers = 4;
    private const int RawClients = 4;
    private const int Pipeline = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = Argument(args, "--redis") ?? throw new ArgumentException("--redis <host:port> is required.");
        var seconds = double.Parse(Argument(args, "--seconds") ?? "8", CultureInfo.InvariantCulture);
        var measure = TimeSpan.FromSeconds(seconds);

        var raw = double.Parse(Argument(args, "--raw-xadd") ?? throw new ArgumentException("--raw-xadd <entries/s> (redis-benchmark's figure) is required."), CultureInfo.InvariantCulture);
        var client = await RawXaddAsync(redis, measure);
        Console.WriteLine($"for reference, StackExchange.Redis XADD from .NET, pipelining {Pipeline} x {RawClients} clients: {client:0} entries/s");

        using var host = BuildRelay(redis);
        await host.StartAsync();
        var relay = host.Services.GetRequiredService<IPresenceRelay>();

        await SustainedAsync(relay, TimeSpan.FromSeconds(3), "warmup");
        var sustained = await SustainedAsync(relay, measure, "sustained");
        Console.WriteLine($"relay publish+deliver+ack, {Publishers} publishers x {BatchSize}/batch: {sustained:0} events/s");

        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var (sorted, rate) = await LatencyAsync(relay, sustained / 2, measure);
        var (p50, p99) = (Percentile(sorted, 0.50), Percentile(sorted, 0.99));
        Console.WriteLine($"publish-to-deliver latency at {rate:0} events/s: p50 {p50:0.000} ms, p90 {Percentile(sorted, 0.90):0.000} ms, " +
                          $"p99 {p99:0.000} ms, p99.9 {Percentile(sorted, 0.999):0.000} ms, max {sorted[^1]:0.000} ms");
        Console.WriteLine($"  during it: {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3} gen0/1/2 collections, " +
                          $"{(GC.GetTotalPauseDuration() - gcBefore.Item4).TotalMilliseconds:0} ms paused");

        await host.StopAsync();
        Console.WriteLine($"ratio to the .NET client's own raw XADD: {sustained / client:0.000}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT relay_events_per_s={sustained:0} raw_xadd_p16_per_s={raw:0} ratio={sustained / raw:0.000} p99_ms={p99:0.000}"));
        return 0;
    }

    private static IHost BuildRelay(string redis)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Mode"] = "Redis",
            ["Relay:RedisConfiguration"] = redis,
            ["Relay:KeyPrefix"] = "bench",
            ["Relay:RetentionMaxLength"] = "1000000",
            ["Relay:LagBound"] = "900000",
        });
        builder.AddPresenceRelay();
        return builder.Build();
    }

    private static async Task<double> RawXaddAsync(string redis, TimeSpan duration)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var database = connection.GetDatabase();
        var organization = new OrganizationId(Guid.NewGuid());
        RedisKey key = $"raw:{{{organization}}}:events";
        // The fields and payload size the relay writes per event.
        NameValueEntry[] fields =
        [
            new("k", "presence"),
            new("d", PresenceUpdateCodec.Encode(Update(organization, 1, 1))),
            new("tp", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        ];
        long written = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, RawClients).Select(_ => Task.Run(async () =>
        {
            var batch = new Task[Pipeline];
            while (Stopwatch.GetTimestamp() < until)
            {
                for (var i = 0; i < Pipeline; i++)
                {
                    batch[i] = database.StreamAddAsync(key, fields);
                }

                await Task.WhenAll(batch);
                Interlocked.Add(ref written, Pipeline);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await database.KeyDeleteAsync(key);
        return written / elapsed;
    }

    private static async Task<double> SustainedAsync(IPresenceRelay relay, TimeSpan duration, string connector)
    {
        var organization = new OrganizationId(Guid.NewGuid());
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, connector), "bench", CancellationToken.None);
        long published = 0, acknowledged = 0;
        var publishing = true;
        var sequence = 0L;
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        var consumer = Task.Run(async () =>
        {
            var acking = Task.CompletedTask;
            long delivered = 0;
            while (Volatile.Read(ref publishing) || delivered < Interlocked.Read(ref published))
            {
                IReadOnlyList<RelayEvent> events;
                try
                {
                    // Short, so the loop sees publishing end even when its last read found nothing.
                    using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                    events = await feed.ReadAsync(1000, wait.Token);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }

                delivered += events.Count;
                await acking;
                acking = AcknowledgeAsync(feed, events, () => Interlocked.Add(ref acknowledged, events.Count));
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var first = Interlocked.Add(ref sequence, BatchSize) - BatchSize;
                var batch = Enumerable.Range(0, BatchSize).Select(i => Update(organization, first + i, first + i)).ToList();
                var outcomes = await relay.PublishAsync(batch, CancellationToken.None);
                Interlocked.Add(ref published, outcomes.Count(o => o == PublishOutcome.Accepted));
            }
        })));
        Volatile.Write(ref publishing, false);
        await consumer;
        return acknowledged / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<(double[] Sorted, double Rate)> LatencyAsync(IPresenceRelay relay, double rate, TimeSpan duration)
    {
        var organization = new OrganizationId(Guid.NewGuid());
        await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, "latency"), "bench", CancellationToken.None);
        var total = (int)(rate * duration.TotalSeconds);
        var sentAt = new long[total];
        var latencies = new double[total];
        var received = 0;
        var consumer = Task.Run(async () =>
        {
            var acking = Task.CompletedTask;
            while (Volatile.Read(ref received) < total)
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var events = await feed.ReadAsync(1000, wait.Token);
                var now = Stopwatch.GetTimestamp();
                foreach (var e in events)
                {
                    var index = long.Parse(e.Presence!.Version.Stamp.AsSpan(1), CultureInfo.InvariantCulture);
                    latencies[index] = Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[index]), now).TotalMilliseconds;
                }

                Interlocked.Add(ref received, events.Count);
                await acking;
                acking = AcknowledgeAsync(feed, events, () => { });
            }

            await acking;
        });

        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate));
            if (due <= sent)
            {
                await Task.Delay(1);
                continue;
            }

            var count = Math.Min(due - sent, 500);
            var now = Stopwatch.GetTimestamp();
            var batch = new List<PresenceUpdate>(count);
            for (var i = sent; i < sent + count; i++)
            {
                sentAt[i] = now;
                batch.Add(Update(organization, i, i));
            }

            await relay.PublishAsync(batch, CancellationToken.None);
            sent += count;
        }

        var achieved = total / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await consumer;
        Array.Sort(latencies);
        return (latencies, achieved);
    }

    /// <summary>Acknowledges while the next read is under way, as a connector session does.</summary>
    private static async Task AcknowledgeAsync(IRelayFeed feed, IReadOnlyList<RelayEvent> events, Action done)
    {
        await feed.AcknowledgeAsync(events.Select(e => e.Id).ToList(), CancellationToken.None);
        done();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static PresenceUpdate Update(OrganizationId organization, long user, long sequence) => new(
        organization,
        new Guid((int)(user % Users), 0, 0, new byte[8]).ToString("D"),
        Platform.Teams,
        PresenceState.ForCategory((PresenceCategory)(sequence % 10)),
        PresenceVersion.FromSequence(sequence.ToString("D12", CultureInfo.InvariantCulture)),
        Platform.Teams,
        DateTimeOffset.UnixEpoch.AddSeconds(sequence));

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
