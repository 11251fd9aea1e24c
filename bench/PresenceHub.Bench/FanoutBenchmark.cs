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

namespace PresenceHub.Bench;

/// <summary>
/// Relay-to-connector delivery: presence published into the gateway's relay reaches a connector built on the C#
/// SDK over the real connector API (gRPC, HTTP/2 on loopback). In the same run, the baseline: the same SDK client
/// reading a bare gRPC server stream that writes pre-built batches of the same events as fast as it can. One run
/// measures the baseline, the gateway saturated, and the gateway paced at half its saturated rate for latency
/// (open loop: each event carries its scheduled publish time, so queueing delay counts).
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

        var baseline = await MeasureBaselineAsync(organization, users, events);
        Console.WriteLine($"bare gRPC server stream to the SDK: {baseline:0} events/s");

        await using var world = await GatewayWorld.StartAsync(organization);
        var saturated = await MeasureSaturatedAsync(world, organization, users, events);
        Console.WriteLine($"gateway relay to the SDK, saturated: {saturated:0} events/s");

        var rate = saturated / 2;
        var latencies = await MeasureLatencyAsync(world, organization, users, rate, TimeSpan.FromSeconds(latencySeconds));
        Array.Sort(latencies);
        var p50 = Percentile(latencies, 0.50);
        var p99 = Percentile(latencies, 0.99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"publish-to-handler latency at {rate:0} events/s (50 %): p50 {p50:0.000} ms, p99 {p99:0.000} ms, p99.9 {Percentile(latencies, 0.999):0.000} ms, max {latencies[^1]:0.000} ms ({latencies.Length} events)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT fanout_events_per_s={saturated:0} grpc_baseline_per_s={baseline:0} ratio={saturated / baseline:0.000} p99_ms={p99:0.000}"));
        return 0;
    }

    private static async Task<double> MeasureBaselineAsync(OrganizationId organization, string[] users, int events)
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

    private static async Task<double> MeasureSaturatedAsync(GatewayWorld world, OrganizationId organization, string[] users, int events)
    {
        // Done when every user's newest version reached the connector: a connector that falls behind the relay's lag
        // bound gets the newest state per user instead of the backlog, which is the point of coalescing.
        var finals = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = Math.Max(0, events - users.Length); i < events; i++)
        {
            finals[users[i % users.Length]] = Update(organization, users, i, default).Version.Stamp;
        }

        var handler = new NewestStateHandler(finals);
        await using var client = Client(world.ConnectorAddress, world.Key, handler, "saturated");
        await client.StartAsync(CancellationToken.None);
        await WaitConnectedAsync(client);
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < events; start += PublishBatch)
        {
            var now = DateTimeOffset.UtcNow;
            await world.Relay.PublishAsync([.. Enumerable.Range(start, Math.Min(PublishBatch, events - start)).Select(i => Update(organization, users, i, now))],
                CancellationToken.None);
        }

        await handler.AllNewest.WaitAsync(TimeSpan.FromMinutes(5));
        var elapsed = watch.Elapsed;
        Console.WriteLine($"  {events} events published in {elapsed.TotalSeconds:0.00} s; the connector handled {handler.Received} " +
                          $"({handler.Coalesced} replaced in its queue, the rest skipped by the relay's lag-bound coalescing) and ended at every user's newest state");
        return events / elapsed.TotalSeconds;
    }

    private static async Task<double[]> MeasureLatencyAsync(GatewayWorld world, OrganizationId organization, string[] users, double rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var handler = new LatencyHandler(latencies, total);
        await using var client = Client(world.ConnectorAddress, world.Key, handler, "paced");
        await client.StartAsync(CancellationToken.None);
        await WaitConnectedAsync(client);
        // Versions continue after the saturated phase's, so every paced event is a real change.
        const int offset = 10_000_000;
        const int perTick = 16;
        var interval = TimeSpan.FromSeconds(perTick / rate);
        var start = DateTimeOffset.UtcNow;
        for (var sent = 0; sent < total; sent += perTick)
        {
            var scheduled = start + (interval * (sent / perTick));
            var wait = scheduled - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await world.Relay.PublishAsync([.. Enumerable.Range(sent, Math.Min(perTick, total - sent)).Select(i => Update(organization, users, offset + i, scheduled))],
                CancellationToken.None);
        }

        await handler.AllReceived.WaitAsync(TimeSpan.FromMinutes(2));
        return latencies[..handler.Count];
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

    /// <summary>Completes when every user's final version arrived.</summary>
    private sealed class NewestStateHandler(Dictionary<string, string> finals) : IConnectorHandler
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HashSet<string> _done = new(StringComparer.Ordinal);
        private long _received;
        private long _coalesced;

        public Task AllNewest => _all.Task;

        public long Received => Interlocked.Read(ref _received);

        public long Coalesced => Interlocked.Read(ref _coalesced);

        public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _received);
            Interlocked.Add(ref _coalesced, presenceEvent.CoalescedCount);
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

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Records each event's delay from its scheduled publish time to its handler.</summary>
    private sealed class LatencyHandler(double[] latencies, int expected) : IConnectorHandler
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;
        private int _accounted;

        public Task AllReceived => _all.Task;

        public int Count => Math.Min(Volatile.Read(ref _count), latencies.Length);

        public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
        {
            var latency = (DateTimeOffset.UtcNow - presenceEvent.Update.ObservedAt).TotalMilliseconds;
            var index = Interlocked.Increment(ref _count) - 1;
            if (index < latencies.Length)
            {
                latencies[index] = latency;
            }

            if (Interlocked.Add(ref _accounted, 1 + presenceEvent.CoalescedCount) >= expected)
            {
                _all.TrySetResult();
            }

            return ValueTask.CompletedTask;
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
