using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.Bench.E2e;
using PresenceHub.GraphSimulator.Notifications;
using PresenceHub.Presence;
using PresenceHub.Gateway.DataSubjects;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Bench;

/// <summary>
/// Graph ingest through the gateway's real webhook (Kestrel on loopback, the same checks, the in-memory relay),
/// fed with simulator-format batches whose items the simulator's own encryptor produced (RSA-2048 OAEP-SHA1 key
/// wrap, AES-256-CBC, HMAC-SHA256) and whose validation token the simulator signed. One run measures:
/// 1. rsa: the raw RSA-OAEP decrypt of every item's dataKey, on all cores (this also yields the content keys the
///    plain phase uses);
/// 2. encrypted: POSTs of 50-item batches, 8 in flight, with the gateway decrypting each item through the SDK;
/// 3. plain: the same bytes, with the RSA unwrap replaced by a lookup of the content key (HMAC check, AES decrypt and
///    deserialization still happen per item), each item stamped with a fresh sequence number so every event is a
///    real change for the relay; saturated, then paced at 25 %, 50 % and 75 % of that rate for latency.
/// </summary>
internal static class IngestBenchmark
{
    private const int Users = 2_000;
    private const int UsersPerSubscription = 500;
    private const int BatchSize = 50;
    private const int Rounds = 10;
    private const int InFlight = 8;
    private const string CertificateId = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = double.Parse(Argument(args, "--seconds") ?? "8", CultureInfo.InvariantCulture);
        var measure = TimeSpan.FromSeconds(seconds);

        await using var simulator = await GraphSimulator.GraphSimulator.StartAsync(
            new GraphSimulatorOptions { FreezeClock = true, AccessTokenLifetime = TimeSpan.FromDays(1) }, logging => logging.ClearProviders());
        var tenant = simulator.Control.AddTenant(new SimulatedTenant { Domain = "bench.onmicrosoft.com" });
        var clientId = simulator.Control.AddApp(tenant, new SimulatedApp { DisplayName = "PresenceHub bench", ClientSecret = "bench" });
        var userIds = simulator.Control.CreateUsers(tenant, Users);
        using var certificate = CreateCertificate();
        var directory = Directory.CreateTempSubdirectory("presencehub-ingest-bench-").FullName;
        try
        {
            // Each plain item gets a fresh sequence number each time the pool comes round, as a live tenant would send.
            var mode = new DecryptionSwitch { FreshSequences = true };
            await using var gateway = await StartGatewayAsync(simulator, tenant, clientId, certificate, directory, mode);
            using var rejections = new RejectionCounter(gateway.Services.GetRequiredService<IMeterFactory>());
            var organization = OrganizationId.Parse(tenant);
            var subscriptions = await SubscribeAsync(gateway, organization, userIds);

            var validationToken = simulator.Services.GetRequiredService<TokenIssuer>().ValidationToken(tenant, clientId);
            var (batches, dataKeys) = Generate(subscriptions, userIds, tenant, validationToken, certificate);
            Console.WriteLine($"{batches.Count} batches of {BatchSize} presence items ({batches.Count * BatchSize} unique items, {Users} users), " +
                              $"{batches.Sum(b => b.Length) / batches.Count / 1024.0:0.0} KiB per POST, {Environment.ProcessorCount} cores");

            var (rsaPerSecond, keys) = DecryptKeys(certificate, dataKeys);
            Console.WriteLine($"raw RSA-OAEP-SHA1 (2048-bit) decrypt on {Environment.ProcessorCount} threads: {rsaPerSecond:0} decrypts/s");
            foreach (var (dataKey, key) in keys)
            {
                mode.Keys[dataKey] = key;
            }


            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false })
            {
                BaseAddress = new Uri(gateway.Urls.First()),
            };
            var poster = new Poster(http, batches);

            mode.Plain = false;
            await poster.SaturateAsync(TimeSpan.FromSeconds(1), InFlight);
            var encrypted = await poster.SaturateAsync(measure, InFlight);
            Console.WriteLine($"encrypted: {encrypted.EventsPerSecond:0} events/s ({InFlight} POSTs in flight), POST p50 {encrypted.P(0.5):0.0} ms, p99 {encrypted.P(0.99):0.0} ms" +
                              (encrypted.Posts * BatchSize > batches.Count * BatchSize ? " (the item pool wrapped: later items were duplicates)" : ""));

            mode.Plain = true;
            await poster.SaturateAsync(TimeSpan.FromSeconds(2), InFlight);
            var plain = await poster.SaturateAsync(measure, InFlight);
            Console.WriteLine($"plain: {plain.EventsPerSecond:0} events/s ({InFlight} POSTs in flight), POST p50 {plain.P(0.5):0.0} ms, p99 {plain.P(0.99):0.0} ms");

            double p99AtHalf = double.NaN;
            foreach (var share in new[] { 0.25, 0.5, 0.75 })
            {
                var paced = await poster.PaceAsync(plain.EventsPerSecond * share / BatchSize, TimeSpan.FromSeconds(Math.Max(3, seconds / 2)));
                Console.WriteLine($"plain paced at {share:P0} ({plain.EventsPerSecond * share:0} events/s offered): {paced.EventsPerSecond:0} events/s, " +
                                  $"POST p50 {paced.P(0.5):0.00} ms, p90 {paced.P(0.9):0.00} ms, p99 {paced.P(0.99):0.00} ms, max {paced.P(1):0.00} ms");
                if (share == 0.5)
                {
                    p99AtHalf = paced.P(0.99);
                }
            }

            var relay = gateway.Services.GetRequiredService<IPresenceRelay>();
            var sample = await relay.GetLastKnownAsync(organization, [new PresenceSubject(Platform.Teams, userIds[0].ToLowerInvariant())], CancellationToken.None);
            if (sample[0] is null || poster.Failures > 0 || rejections.Count > 0)
            {
                Console.Error.WriteLine($"ingest failed: {poster.Failures} POSTs not answered 202, {rejections.Count} notifications rejected, " +
                                        $"last-known of a user: {sample[0]?.Version.ToString() ?? "none"}");
                return 1;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT ingest_events_per_s={plain.EventsPerSecond:0} webhook_p99_ms={p99AtHalf:0.00} encrypted_events_per_s={encrypted.EventsPerSecond:0} " +
                $"rsa_decrypt_per_s={rsaPerSecond:0} encrypted_ratio={encrypted.EventsPerSecond / rsaPerSecond:0.000}"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<WebApplication> StartGatewayAsync(
        GraphSimulator.GraphSimulator simulator, string tenant, string clientId, X509Certificate2 certificate, string directory, DecryptionSwitch mode)
    {
        var caPath = Path.Combine(directory, "simulator-ca.pem");
        await File.WriteAllTextAsync(caPath, simulator.CertificateAuthorityPem);
        var certificatePath = Path.Combine(directory, "encryption.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Errors only: a failing webhook must show why, without logging on the measured path otherwise.
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton(simulator.Clock);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = clientId,
            ["Organizations:Allowed:0"] = tenant,
            ["Graph:ClientSecret"] = "bench",
            ["Graph:AuthorityHost"] = simulator.AuthorityHost.ToString(),
            ["Graph:BaseUrl"] = simulator.GraphBaseUrl,
            ["Graph:ValidationTokenMetadataUrl"] = simulator.WellKnownUri().ToString(),
            ["Graph:TrustedCaCertificatePath"] = caPath,
            ["Graph:EncryptionCertificates:0:Id"] = CertificateId,
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
            ["Graph:NotificationUrl"] = "http://127.0.0.1/graph/notifications",
            ["Graph:LifecycleNotificationUrl"] = "http://127.0.0.1/graph/lifecycle",
            ["Admin:Key"] = "bench-admin-key-0123456789abcdef0123456789",
        });

        // The gateway's own processor, with the decryption switched by the benchmark's phase.
        builder.Services.AddSingleton(sp => new ChangeNotificationProcessor(
            sp.GetRequiredService<IGraphSubscriptionStore>(), sp.GetRequiredService<ValidationTokenValidator>(),
            sp.GetRequiredService<EncryptionCertificateStore>(), sp.GetRequiredService<PresenceVersionSource>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOrganizationAdmission>(), content => mode.DecryptAsync(content, sp.GetRequiredService<EncryptionCertificateStore>())));
        builder.AddPresenceRelay();
        builder.AddAccess();
        builder.AddGraphIngest();
        builder.AddDataSubjectRights();
        var app = builder.Build();
        app.MapGraphWebhooks();
        await app.StartAsync();
        return app;
    }

    private static async Task<List<GraphSubscription>> SubscribeAsync(WebApplication gateway, OrganizationId organization, IReadOnlyList<string> userIds)
    {
        var store = gateway.Services.GetRequiredService<IGraphSubscriptionStore>();
        var subscriptions = new List<GraphSubscription>();
        foreach (var chunk in userIds.Chunk(UsersPerSubscription))
        {
            var subscription = new GraphSubscription(Guid.NewGuid().ToString("D"), organization, GraphSubscriptionKind.Presence,
                $"/communications/presences?$filter=id in ({string.Join(",", chunk.Select(u => $"'{u}'"))})",
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), chunk[0], chunk, DateTimeOffset.UtcNow.AddDays(1));
            await store.SaveAsync(subscription, CancellationToken.None);
            subscriptions.Add(subscription);
        }

        return subscriptions;
    }

    /// <summary>Batches as the simulator posts them: items of several subscriptions, one validation token for the (app, tenant).</summary>
    private static (List<byte[]> Batches, List<string> DataKeys) Generate(
        List<GraphSubscription> subscriptions, IReadOnlyList<string> userIds, string tenant, string validationToken, X509Certificate2 certificate)
    {
        (string Availability, string Activity)[] states =
        [
            ("Available", "Available"), ("Busy", "InACall"), ("Busy", "InAMeeting"), ("DoNotDisturb", "Presenting"), ("Away", "Away"), ("Offline", "OffWork"),
        ];
        var ownerOf = subscriptions.SelectMany(s => s.UserIds.Select(u => (u, s))).ToDictionary(p => p.u, p => p.s, StringComparer.OrdinalIgnoreCase);
        var items = new JsonObject[Rounds * userIds.Count];
        var sequence = 0L;
        Parallel.For(0, items.Length, i =>
        {
            var (round, user) = (i / userIds.Count, userIds[i % userIds.Count]);
            var subscription = ownerOf[user];
            var state = states[(round + i) % states.Length];
            var presence = new JsonObject
            {
                ["id"] = user,
                ["availability"] = state.Availability,
                ["activity"] = state.Activity,
                ["statusMessage"] = null,
                ["outOfOfficeSettings"] = new JsonObject { ["message"] = null, ["isOutOfOffice"] = false },
                ["sequenceNumber"] = (round * (long)userIds.Count + Interlocked.Increment(ref sequence)).ToString("X16", CultureInfo.InvariantCulture),
            };
            items[i] = new JsonObject
            {
                ["subscriptionId"] = subscription.Id,
                ["clientState"] = subscription.ClientState,
                ["changeType"] = "updated",
                ["resource"] = $"communications/presences('{user}')",
                ["subscriptionExpirationDateTime"] = subscription.ExpiresAt.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
                ["resourceData"] = new JsonObject { ["@odata.type"] = "#Microsoft.Graph.presence", ["@odata.id"] = $"communications/presences('{user}')", ["id"] = user },
                ["tenantId"] = tenant,
                ["encryptedContent"] = NotificationEncryptor.Encrypt(presence, certificate, CertificateId),
            };
        });

        var batches = items.Chunk(BatchSize).Select(chunk => Encoding.UTF8.GetBytes(new JsonObject
        {
            ["value"] = new JsonArray([.. chunk.Select(i => (JsonNode)i)]),
            ["validationTokens"] = new JsonArray(validationToken),
        }.ToJsonString())).ToList();
        return (batches, [.. items.Select(i => (string)i["encryptedContent"]!["dataKey"]!)]);
    }

    /// <summary>The raw RSA-OAEP loop: every item's dataKey decrypted once, on all cores, timed.</summary>
    private static (double PerSecond, ConcurrentDictionary<string, byte[]> Keys) DecryptKeys(X509Certificate2 certificate, List<string> dataKeys)
    {
        var keys = new ConcurrentDictionary<string, byte[]>(Environment.ProcessorCount, dataKeys.Count, StringComparer.Ordinal);
        var wrapped = dataKeys.Select(Convert.FromBase64String).ToArray();
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, wrapped.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => certificate.GetRSAPrivateKey()!,
            (i, _, rsa) =>
            {
                keys[dataKeys[i]] = rsa.Decrypt(wrapped[i], RSAEncryptionPadding.OaepSHA1);
                return rsa;
            },
            rsa => rsa.Dispose());
        return (wrapped.Length / Stopwatch.GetElapsedTime(started).TotalSeconds, keys);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PresenceHub bench notifications", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed class Poster(HttpClient http, List<byte[]> batches)
    {
        private static readonly MediaTypeHeaderValue Json = new("application/json");
        private long _next;
        private long _failures;

        public long Failures => Interlocked.Read(ref _failures);

        public async Task<Measurement> SaturateAsync(TimeSpan duration, int inFlight)
        {
            var latencies = new ConcurrentBag<double>();
            var started = Stopwatch.GetTimestamp();
            var workers = Enumerable.Range(0, inFlight).Select(async _ =>
            {
                while (Stopwatch.GetElapsedTime(started) < duration)
                {
                    latencies.Add(await PostAsync());
                }
            });
            await Task.WhenAll(workers);
            return new Measurement([.. latencies], Stopwatch.GetElapsedTime(started));
        }

        /// <summary>Open loop: POSTs start on schedule whether or not earlier ones have been answered.</summary>
        public async Task<Measurement> PaceAsync(double postsPerSecond, TimeSpan duration)
        {
            var latencies = new ConcurrentBag<double>();
            var pending = new List<Task>();
            var interval = TimeSpan.FromSeconds(1 / postsPerSecond);
            var started = Stopwatch.GetTimestamp();
            for (var n = 0; ; n++)
            {
                var due = interval * n;
                if (due >= duration)
                {
                    break;
                }

                var wait = due - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                pending.Add(Task.Run(async () => latencies.Add(await PostAsync())));
            }

            await Task.WhenAll(pending);
            return new Measurement([.. latencies], Stopwatch.GetElapsedTime(started));
        }

        private async Task<double> PostAsync()
        {
            var body = batches[(int)(Interlocked.Increment(ref _next) % batches.Count)];
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(GraphWebhookEndpoints.NotificationsPath, content);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.Accepted && Interlocked.Increment(ref _failures) == 1)
            {
                Console.Error.WriteLine($"first failed POST: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return elapsed;
        }
    }

    /// <summary>Counts the gateway's rejected notifications: a benchmark of batches the gateway drops would measure nothing.</summary>
    private sealed class RejectionCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public RejectionCounter(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "presencehub.webhook.rejected")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class Measurement(double[] latencies, TimeSpan elapsed)
    {
        private readonly double[] _sorted = [.. latencies.Order()];

        public int Posts => _sorted.Length;

        public double EventsPerSecond => Posts * (double)BatchSize / elapsed.TotalSeconds;

        public double P(double quantile) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Min(_sorted.Length - 1, (int)(quantile * _sorted.Length))];
    }
}
