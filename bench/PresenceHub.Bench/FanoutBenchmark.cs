using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;
using Activity = PresenceHub.Presence.Activity;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Bench;

/// <summary>
/// Relay-to-connector delivery: presence published into the gateway's relay reaches a connector built on the C#
/// SDK over the real connector API (gRPC, HTTP/2 on loopback). In the same run, the baseline: the same SDK client
/// reading a bare gRPC server stream that writes pre-built batches of the same events as fast as it can. One run
/// alternates the baseline and the saturated gateway for a few rounds, then paces the gateway at half its
/// saturated rate for latency (open loop: each event carries its scheduled publish time, so queueing delay counts).
/// </summary>
internal static class FanoutBenchmark
{
    private const int Users = 20_000;
    private const int PublishBatch = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        var events = int.Parse(Argument(args, "--events") ?? "200000", CultureInfo.InvariantCulture);
        var latencySeconds = double.Parse(Argument(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        var organization = new OrganizationId(Guid.NewGuid());
        var users = Enumerable.Range(0, Users).Select(_ => Guid.NewGuid().ToString("D")).ToArray();

        var rounds = int.Parse(Argument(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        await using var world = await GatewayWorld.StartAsync(organization);
        var handler = new PhasedHandler();

        // Rounds alternate the baseline and the gateway, so a noisy neighbour on the machine weighs on both; the
        // figures reported are the round with the median ratio.
        var measured = new List<(double Baseline, double Gateway)>();
        for (var round = 0; round < rounds; round++)
        {
            var baselineRound = await MeasureBaselineAsync(organization, users, events);
            var gatewayRound = await MeasureSaturatedAsync(world, handler, organization, users, round * events, events);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: bare gRPC server stream to the SDK {baselineRound:0} events/s, gateway relay to the SDK {gatewayRound:0} events/s, ratio {gatewayRound / baselineRound:0.000}"));
            measured.Add((baselineRound, gatewayRound));
        }

        var (baseline, saturated) = measured.OrderBy(m => m.Gateway / m.Baseline).ElementAt(rounds / 2);
        Console.WriteLine($"median round: baseline {baseline:0} events/s, gateway saturated {saturated:0} events/s");

        await using var client = Client(world.ConnectorAddress, world.Key, handler);
        await client.StartAsync(CancellationToken.None);
        await WaitConnectedAsync(client);
        var rate = saturated / 2;
        var latencies = await MeasureLatencyAsync(world, handler, organization, users, rounds * events, rate, TimeSpan.FromSeconds(latencySeconds));
        Array.Sort(latencies);
        var p50 = Percentile(latencies, 0.50);
        var p99 = Percentile(latencies, 0.99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"publish-to-handler latency at {rate:0} events/s (50 %): p50 {p50:0.000} ms, p99 {p99:0.000} ms, p99.9 {Percentile(latencies, 0.999):0.000} ms, max {latencies[^1]:0.000} ms ({latencies.Length} events)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT fanout_events_per_s={saturated:0} grpc_baseline_per_s={baseline:0} ratio={saturated / baseline:0.000} p99_ms={p99:0.000}"));
        return 0;
    }

    internal static async Task<double> MeasureBaselineAsync(OrganizationId organization, string[] users, int events)
    {
        // The same events the gateway writes, built by the gateway's own mapper, in batches of the gateway's default size.
        var batchSize = new ConnectorOptions().MaxBatchSize;
        var batches = new List<V1.ConnectorEvent[]>();
        for (var start = 0; start < events; start += batchSize)
        {
            batches.Add([.. Enumerable.Range(start, Math.Min(batchSize, events - start)).Select(i =>
                ConnectorProtoMapper.ToProto(new RelayEvent(i.ToString(CultureInfo.InvariantCulture), RelayEventKind.Presence, organization,
                    Update(organization, users, i, DateTimeOffset.UtcNow), null, null), null, null, 0)!)]);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new BareStream(organization, batches));
        await using var app = builder.Build();
        app.MapGrpcService<BareConnectorService>();
        await app.StartAsync();
        var address = new Uri(app.Urls.First());

        var counter = new CountingHandler(events);
        await using var client = Client(address, "bare-key", counter);
        var watch = Stopwatch.StartNew();
        await client.StartAsync(CancellationToken.None);
        await counter.AllReceived.WaitAsync(TimeSpan.FromMinutes(5));
        return events / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> MeasureSaturatedAsync(
        GatewayWorld world, PhasedHandler handler, OrganizationId organization, string[] users, int first, int events)
    {
        // Like the baseline's pre-built batches, the events wait in the relay before the stream starts: the connector
        // connects once (the relay keeps its place from then on), goes away, the events are published, and a fresh SDK
        // client with the same connector id drains them. The lag bound is above the run's event count, so the relay
        // delivers every event; the stream's queue may still replace a user's queued state with a newer one.
        await using (var connecting = Client(world.ConnectorAddress, world.Key, handler))
        {
            await connecting.StartAsync(CancellationToken.None);
            await WaitConnectedAsync(connecting);
            await connecting.StopAsync(CancellationToken.None);
        }

        for (var start = 0; start < events; start += PublishBatch)
        {
            var now = DateTimeOffset.UtcNow;
            await world.Relay.PublishAsync(
                [.. Enumerable.Range(first + start, Math.Min(PublishBatch, events - start)).Select(i => Update(organization, users, i, now))],
                CancellationToken.None);
        }

        var phase = handler.Begin(Finals(organization, users, first, events), DateTimeOffset.MinValue, latencies: null);
        await using var draining = Client(world.ConnectorAddress, world.Key, handler);
        var watch = Stopwatch.StartNew();
        await draining.StartAsync(CancellationToken.None);
        await phase.AllNewest.WaitAsync(TimeSpan.FromMinutes(5));
        var elapsed = watch.Elapsed;
        await draining.StopAsync(CancellationToken.None);
        Console.WriteLine($"  {events} events drained from the relay in {elapsed.TotalSeconds:0.00} s; the connector handled {phase.Received} " +
                          $"({phase.Coalesced} replaced in the gateway's stream queue, {events - phase.Received - phase.Coalesced} skipped by the relay's lag-bound coalescing) " +
                          "and ended at every user's newest state");
        return events / elapsed.TotalSeconds;
    }

    private static async Task<double[]> MeasureLatencyAsync(
        GatewayWorld world, PhasedHandler handler, OrganizationId organization, string[] users, int first, double rate, TimeSpan duration)
    {
        // Open loop on the connector that already caught up: each event carries its scheduled publish time, so a
        // publisher or a stream that falls behind shows as latency rather than as a slower schedule.
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var start = DateTimeOffset.UtcNow;
        var phase = handler.Begin(Finals(organization, users, first, total), start, latencies);
        const int perTick = 16;
        var interval = TimeSpan.FromSeconds(perTick / rate);
        for (var sent = 0; sent < total; sent += perTick)
        {
            var scheduled = start + (interval * (sent / perTick));
            var wait = scheduled - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await world.Relay.PublishAsync(
                [.. Enumerable.Range(first + sent, Math.Min(perTick, total - sent)).Select(i => Update(organization, users, i, scheduled))],
                CancellationToken.None);
        }

        await phase.AllNewest.WaitAsync(TimeSpan.FromMinutes(2));
        Console.WriteLine($"  {total} events paced; the connector handled {phase.Received} ({phase.Coalesced} replaced in the gateway's stream queue, " +
                          $"{total - phase.Received - phase.Coalesced} skipped by the relay's lag-bound coalescing)");
        return latencies[..phase.Recorded];
    }

    /// <summary>Each user's last version among events [first, first + count).</summary>
    private static Dictionary<string, string> Finals(OrganizationId organization, string[] users, int first, int count)
    {
        var finals = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = Math.Max(first, first + count - users.Length); i < first + count; i++)
        {
            finals[users[i % users.Length]] = Update(organization, users, i, default).Version.Stamp;
        }

        return finals;
    }

    private static PresenceUpdate Update(OrganizationId organization, string[] users, int i, DateTimeOffset observedAt)
    {
        var state = (i % 4) switch
        {
            0 => new PresenceState(Availability.Available, Activity.Available),
            1 => new PresenceState(Availability.Busy, Activity.InACall),
            2 => new PresenceState(Availability.Away, Activity.Away),
            _ => new PresenceState(Availability.DoNotDisturb, Activity.Presenting),
        };
        return new PresenceUpdate(organization, users[i % users.Length], Platform.Teams, state,
            PresenceVersion.FromSequence(i.ToString("X16", CultureInfo.InvariantCulture)), Platform.Teams, observedAt);
    }

    private static ConnectorClient Client(Uri address, string key, IConnectorHandler handler, string connectorId = "bench") =>
        new(new ConnectorClientOptions { HubAddress = address, ConnectorId = connectorId, Platform = "bench", AccessToken = key }, handler);

    private static async Task WaitConnectedAsync(ConnectorClient client)
    {
        var deadline = Stopwatch.StartNew();
        while (client.Status != ConnectionStatus.Connected)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"The bench connector did not connect ({client.Status}).");
            }

            await Task.Delay(10);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Counts events, with those the hub replaced by newer ones, until the expected number is accounted for.</summary>
    private sealed class CountingHandler(int expected) : IConnectorHandler
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _received;
        private long _coalesced;

        public Task AllReceived => _all.Task;

        public long Received => Interlocked.Read(ref _received);

        public long Coalesced => Interlocked.Read(ref _coalesced);

        public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _coalesced, presenceEvent.CoalescedCount);
            if (Interlocked.Increment(ref _received) + Coalesced >= expected)
            {
                _all.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// The gateway connector's handler across phases: each phase completes when every user's final version of that
    /// phase arrived, and records the delay from each event's scheduled publish time (events of earlier phases excluded).
    /// </summary>
    private sealed class PhasedHandler : IConnectorHandler
    {
        private volatile Phase? _phase;

        public Phase Begin(Dictionary<string, string> finals, DateTimeOffset since, double[]? latencies)
        {
            var phase = new Phase(finals, since, latencies);
            _phase = phase;
            return phase;
        }

        public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
        {
            _phase?.Handle(presenceEvent);
            return ValueTask.CompletedTask;
        }

        /// <summary>One phase's expectations and counts.</summary>
        public sealed class Phase(Dictionary<string, string> finals, DateTimeOffset since, double[]? latencies)
        {
            private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly HashSet<string> _done = new(StringComparer.Ordinal);
            private long _received;
            private long _coalesced;
            private int _recorded;

            public Task AllNewest => _all.Task;

            public long Received => Interlocked.Read(ref _received);

            public long Coalesced => Interlocked.Read(ref _coalesced);

            public int Recorded => Math.Min(Volatile.Read(ref _recorded), latencies?.Length ?? 0);

            public void Handle(PresenceEvent presenceEvent)
            {
                if (presenceEvent.Update.ObservedAt < since)
                {
                    return;
                }

                Interlocked.Increment(ref _received);
                Interlocked.Add(ref _coalesced, presenceEvent.CoalescedCount);
                if (latencies is not null)
                {
                    var index = Interlocked.Increment(ref _recorded) - 1;
                    if (index < latencies.Length)
                    {
                        latencies[index] = (DateTimeOffset.UtcNow - presenceEvent.Update.ObservedAt).TotalMilliseconds;
                    }
                }

                if (finals.TryGetValue(presenceEvent.Update.UserId, out var final) && presenceEvent.Update.Version.Stamp == final)
                {
                    lock (_done)
                    {
                        if (_done.Add(presenceEvent.Update.UserId) && _done.Count == finals.Count)
                        {
                            _all.TrySetResult();
                        }
                    }
                }
            }
        }
    }

    /// <summary>The baseline's pre-built batches.</summary>
    private sealed record BareStream(OrganizationId Organization, List<V1.ConnectorEvent[]> Batches);

    /// <summary>A bare connector stream: welcome, then every batch as fast as the stream takes them; acks are read and ignored.</summary>
    private sealed class BareConnectorService(BareStream stream) : V1.ConnectorService.ConnectorServiceBase
    {
        public override async Task Connect(
            IAsyncStreamReader<V1.ConnectRequest> requestStream, IServerStreamWriter<V1.ConnectResponse> responseStream, ServerCallContext context)
        {
            await requestStream.MoveNext(context.CancellationToken);
            await responseStream.WriteAsync(new V1.ConnectResponse
            {
                Welcome = new V1.Welcome
                {
                    SessionId = "bare",
                    OrganizationId = stream.Organization.ToString(),
                    HeartbeatInterval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(15)),
                    MaxBatchSize = 256,
                    MaxUnacknowledgedEvents = int.MaxValue,
                    ResumeOutcome = V1.ResumeOutcome.Fresh,
                },
            });
            var draining = Task.Run(async () =>
            {
                while (await requestStream.MoveNext(context.CancellationToken))
                {
                }
            });
            foreach (var batch in stream.Batches)
            {
                var response = new V1.ConnectResponse { EventBatch = new V1.EventBatch() };
                response.EventBatch.Events.AddRange(batch);
                await responseStream.WriteAsync(response);
            }

            await draining;
        }
    }

    /// <summary>The Graph simulator and a gateway composed as in production, with its connector API on an HTTP/2 port.</summary>
    private sealed class GatewayWorld : IAsyncDisposable
    {
        private readonly GraphSimulator.GraphSimulator _simulator;
        private readonly WebApplication _app;
        private readonly string _directory;

        private GatewayWorld(GraphSimulator.GraphSimulator simulator, WebApplication app, string directory, Uri connectorAddress, string key)
        {
            _simulator = simulator;
            _app = app;
            _directory = directory;
            ConnectorAddress = connectorAddress;
            Key = key;
        }

        public Uri ConnectorAddress { get; }

        public string Key { get; }

        public IPresenceRelay Relay => _app.Services.GetRequiredService<IPresenceRelay>();

        public static async Task<GatewayWorld> StartAsync(OrganizationId organization)
        {
            var simulator = await GraphSimulator.GraphSimulator.StartAsync(
                new GraphSimulatorOptions { FreezeClock = true, AccessTokenLifetime = TimeSpan.FromDays(1) }, logging => logging.ClearProviders());
            var tenant = simulator.Control.AddTenant(new SimulatedTenant { Domain = "bench.onmicrosoft.com" });
            var clientId = simulator.Control.AddApp(tenant, new SimulatedApp { DisplayName = "PresenceHub bench", ClientSecret = "bench" });
            var directory = Directory.CreateTempSubdirectory("presencehub-fanout-").FullName;
            var caPath = Path.Combine(directory, "simulator-ca.pem");
            await File.WriteAllTextAsync(caPath, simulator.CertificateAuthorityPem);
            using var rsa = RSA.Create(2048);
            using var certificate = new CertificateRequest("CN=bench", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var certificatePath = Path.Combine(directory, "encryption.pem");
            await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem());

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(IPAddress.Loopback, 0);
                k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Graph:ClientId"] = clientId,
                ["Organizations:Allowed:0"] = tenant,
                ["Graph:ClientSecret"] = "bench",
                ["Graph:AuthorityHost"] = simulator.AuthorityHost.ToString(),
                ["Graph:BaseUrl"] = simulator.GraphBaseUrl,
                ["Graph:ValidationTokenMetadataUrl"] = simulator.WellKnownUri().ToString(),
                ["Graph:TrustedCaCertificatePath"] = caPath,
                ["Graph:EncryptionCertificates:0:Id"] = "bench",
                ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
                ["Graph:NotificationUrl"] = "http://127.0.0.1/graph/notifications",
                ["Graph:LifecycleNotificationUrl"] = "http://127.0.0.1/graph/lifecycle",
                ["Admin:Key"] = "bench-admin-key-0123456789abcdef0123456789",
                // Every event must reach the connector, as in the baseline: no lag-bound coalescing within the run.
                ["Relay:LagBound"] = "50000000",
                ["Relay:RetentionMaxLength"] = "100000000",
            });
            builder.AddPresenceHub();
            var app = builder.Build();
            app.MapPresenceHub();
            await app.StartAsync();
            var (key, id, hash) = ConnectorKeys.Create();
            await app.Services.GetRequiredService<IConnectorKeyStore>().AddAsync(
                new ConnectorKeyRecord(id, organization, "bench", null, hash, DateTimeOffset.UtcNow), CancellationToken.None);
            var connectorAddress = new Uri(app.Urls.Last());
            return new GatewayWorld(simulator, app, directory, connectorAddress, key);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _simulator.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
