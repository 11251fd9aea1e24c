using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Bench;

/// <summary>
/// The gateway at scale, composed as in production (<c>AddPresenceHub</c>, on the Redis relay when given) against
/// the in-process Graph simulator, whose clock it shares: the simulator's clock runs in real time (as the gateway's
/// call limiter does) and is advanced to reach renewals. Users consent in steps (10,000 then 100,000 by default):
/// owners (one per 650 users of the largest count, and two more: Graph allows one presence subscription per user and
/// app) sign in through the Teams SSO endpoint, everyone else is assigned through the admin API over HTTP, 16
/// requests in flight. After each step, once the keeper has subscribed every consented user, the reconciliation poll
/// has stored their last-known presence and their profiles are stored, the managed heap is measured against a
/// baseline taken before anyone consented (with every user, and their presence, in the simulator). The simulator
/// runs in the same process, so its per-subscription state counts as the gateway's (conservative). Then the clock
/// jumps to the first renewal due and is advanced through the renewal window in 30 s steps, a keeper pass after each,
/// until every subscription was renewed under its id; the simulator records every subscription write, the most in
/// any 20 s of its clock, and the 429s it answered. The scheduled poll of everyone is set to once an hour so it does
/// not repeat while the clock is advanced.
/// </summary>
internal static partial class ScaleBenchmark
{

    /// <summary>How far the clock moves between keeper passes while subscriptions are renewed; well under the keeper's jitter.</summary>
    private static readonly TimeSpan RenewalStep = TimeSpan.FromSeconds(30);

    /// <summary>How long one step may take to cover its users before the benchmark fails.</summary>
    private static readonly TimeSpan CoverDeadline = TimeSpan.FromMinutes(15);

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = Argument(args, "--redis");
        var counts = (Argument(args, "--users") ?? "10000,100000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        ScaleResult result;
        try
        {
            result = await MeasureCoreAsync(redis, counts, args.Contains("--breakdown"), CancellationToken.None);
        }
        catch (ScaleBenchmarkException ex)
        {
            Console.Error.WriteLine($"scale benchmark failed: {ex.Message}");
            return 1;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"scale: {ex.Message}");
            return 2;
        }

        var largest = result.Counts[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scale_bytes_per_user={largest.ManagedBytesPerUser:0} max_subscription_calls_per_20s={result.MaxSubscriptionCallsPer20Seconds} throttled={result.Throttled}"));
        return 0;
    }

    /// <summary>
    /// Measures the gateway's memory per consented user at each of <paramref name="userCounts"/> (ascending), then
    /// renews every subscription. Throws <see cref="ScaleBenchmarkException"/> when users are never covered, a
    /// subscription is not renewed before it expires, or Graph throttled a subscription call. Prints its progress.
    /// </summary>
    /// <param name="redis">A redis-server (<c>host:port</c>) for <c>Relay:Mode=Redis</c>; null for the in-memory relay.</param>
    /// <param name="userCounts">Consented users at each measurement, ascending; the first must hold the subscription owners (2 + one per 650 of the largest).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static Task<ScaleResult> MeasureAsync(string? redis, IReadOnlyList<int> userCounts, CancellationToken cancellationToken) =>
        MeasureCoreAsync(redis, userCounts, breakdown: false, cancellationToken);

    /// <param name="redis">A redis-server (<c>host:port</c>) for <c>Relay:Mode=Redis</c>; null for the in-memory relay.</param>
    /// <param name="userCounts">Consented users at each measurement, ascending.</param>
    /// <param name="breakdown">Also prints which of the gateway's (and simulator's) stores hold the heap at the largest count (<see cref="HeapBreakdown"/>).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    private static async Task<ScaleResult> MeasureCoreAsync(string? redis, IReadOnlyList<int> userCounts, bool breakdown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userCounts);
        if (userCounts.Count == 0 || userCounts[0] < 1 || userCounts.Zip(userCounts.Skip(1)).Any(p => p.Second <= p.First))
        {
            throw new ArgumentException("User counts must be positive and ascending, e.g. 10000,100000.", nameof(userCounts));
        }

        var largest = userCounts[^1];
        // Graph allows one presence subscription per user and app, of at most 650 users: enough owners to cover the
        // largest count, and two more, as a real deployment would have a few more signed-in users than it needs.
        var owners = Math.Min(largest, ((largest + PresenceSubscriptionPlanner.MaxUsersPerSubscription - 1) / PresenceSubscriptionPlanner.MaxUsersPerSubscription) + 2);
        if (owners > userCounts[0])
        {
            throw new ArgumentException($"The first count must hold the {owners} users who sign in to own subscriptions.", nameof(userCounts));
        }

        var setup = Stopwatch.StartNew();
        await using var world = await ScaleWorld.StartAsync(redis, largest, owners);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: simulator with {largest} users ({owners} with the Teams app installed, who sign in to own subscriptions), gateway on the {(redis is null ? "in-memory relay" : $"Redis relay ({redis})")}; set up in {setup.Elapsed.TotalSeconds:0.0} s"));

        var baseline = await world.MeasureMemoryAsync();
        var baselineBreakdown = breakdown ? world.MeasureBreakdown() : null;
        var redisBaseline = baseline.Redis is { } r ? FormattableString.Invariant($", Redis used_memory {r / 1048576.0:0.0} MiB") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: baseline before anyone consented: managed heap {baseline.Heap / 1048576.0:0.0} MiB, working set {baseline.WorkingSet / 1048576.0:0.0} MiB{redisBaseline}"));

        var results = new List<ScaleCountResult>();
        var consented = 0;
        foreach (var count in userCounts)
        {
            var watch = Stopwatch.StartNew();
            if (consented == 0)
            {
                await world.SignInOwnersAsync(cancellationToken);
            }

            await world.AssignAsync(Math.Max(consented, owners), count, cancellationToken);
            var assigned = watch.Elapsed;
            await world.WaitCoveredAsync(count, watch, cancellationToken);
            var covered = watch.Elapsed;
            consented = count;

            var memory = await world.MeasureMemoryAsync();
            var subscriptions = world.PresenceSubscriptions().Count;
            var result = new ScaleCountResult(
                count,
                (double)(memory.Heap - baseline.Heap) / count,
                (double)(memory.WorkingSet - baseline.WorkingSet) / count,
                memory.Redis is { } used && baseline.Redis is { } before ? (double)(used - before) / count : null,
                subscriptions,
                covered);
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale: {count} consented users: all subscribed ({subscriptions} presence subscriptions), polled and profiled {covered.TotalSeconds:0.0} s after the first consent of this step " +
                $"(consents over HTTP took {assigned.TotalSeconds:0.0} s)"));
            var redisGrowth = result.RedisBytesPerUser is { } redisPerUser ? FormattableString.Invariant($"; Redis used_memory +{redisPerUser:0} bytes per user") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale: {count} consented users: gateway managed heap +{(memory.Heap - baseline.Heap) / 1048576.0:0.0} MiB = {result.ManagedBytesPerUser:0} bytes per consented user " +
                $"(the in-process simulator's per-subscription state included); working set +{result.WorkingSetBytesPerUser:0} bytes per user{redisGrowth}"));
            if (results.Count > 1)
            {
                var previous = results[^2];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scale: marginal heap from {previous.Users} to {count} users: {((result.ManagedBytesPerUser * count) - (previous.ManagedBytesPerUser * previous.Users)) / (count - previous.Users):0} bytes per added user"));
            }
        }

        if (breakdown)
        {
            world.PrintBreakdown(largest, results[^1].ManagedBytesPerUser * largest, baselineBreakdown!);
        }

        var creates = world.Statistics.SubscriptionWrites;
        var renewal = await world.RenewAllAsync(cancellationToken);
        var statistics = world.Statistics;
        var scale = new ScaleResult(results, owners, creates, statistics.SubscriptionWrites - creates, renewal.Renewed,
            statistics.PeakSubscriptionWritesPer20Seconds, statistics.SubscriptionWritesThrottled);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: subscription writes: {scale.SubscriptionCreates} while covering {largest} users, {scale.SubscriptionRenewals} renewing {scale.SubscriptionsRenewed} subscriptions " +
            $"over {renewal.SimulatedTime.TotalMinutes:0} min of simulator time ({renewal.Elapsed.TotalSeconds:0.0} s); at most {scale.MaxSubscriptionCallsPer20Seconds} in any 20 s of the simulator clock " +
            $"(Graph allows 1,000 per app and tenant); {scale.Throttled} answered 429"));
        if (scale.Throttled > 0 || scale.MaxSubscriptionCallsPer20Seconds > 1000)
        {
            throw new ScaleBenchmarkException($"Graph throttled {scale.Throttled} subscription calls (at most {scale.MaxSubscriptionCallsPer20Seconds} in 20 s).");
        }

        return scale;
    }

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    [GeneratedRegex("'([0-9a-fA-F-]{36})'")]
    private static partial Regex QuotedId();

    /// <summary>Heap, working set and Redis memory at one moment.</summary>
    private sealed record Memory(long Heap, long WorkingSet, long? Redis);

    /// <summary>How the renewal went.</summary>
    private sealed record Renewal(int Renewed, TimeSpan SimulatedTime, TimeSpan Elapsed);

    /// <summary>The simulator with every user, and the gateway composed as in production on its own loopback port.</summary>
    private sealed class ScaleWorld : IAsyncDisposable
    {
        private readonly GraphSimulator.GraphSimulator _simulator;
        private readonly string _directory;
        private readonly X509Certificate2 _certificate;
        private readonly HttpClient _http;
        private readonly ConnectionMultiplexer? _redis;
        private readonly string _clientId;
        private readonly OrganizationId _organization;
        private readonly IReadOnlyList<string> _users;
        private readonly int _owners;
        private WebApplication _gateway = null!;

        private ScaleWorld(
            GraphSimulator.GraphSimulator simulator, string directory, X509Certificate2 certificate, ConnectionMultiplexer? redis,
            string clientId, OrganizationId organization, IReadOnlyList<string> users, int owners)
        {
            (_simulator, _directory, _certificate, _redis, _clientId, _organization, _users, _owners) =
                (simulator, directory, certificate, redis, clientId, organization, users, owners);
            _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, UseProxy = false });
        }

        public DeliveryStatistics Statistics => _simulator.Control.Statistics;

        private SubscriptionKeeper Keeper => _gateway.Services.GetRequiredService<SubscriptionKeeper>();

        private IPresenceRelay Relay => _gateway.Services.GetRequiredService<IPresenceRelay>();

        private IUserDirectory Directory => _gateway.Services.GetRequiredService<IUserDirectory>();

        public static async Task<ScaleWorld> StartAsync(string? redis, int users, int owners)
        {
            // The simulator's clock runs in real time (the gateway's call limiter counts real time too) and is advanced
            // to reach renewals. Tokens outlive the run: MSAL judges expiry by the real clock.
            var simulator = await GraphSimulator.GraphSimulator.StartAsync(
                new GraphSimulatorOptions { FreezeClock = false, AccessTokenLifetime = TimeSpan.FromDays(1) }, logging => logging.ClearProviders());
            var (tenant, clientId, teamsAppId) = BenchGraph.AddTenant(simulator, "scale.onmicrosoft.com");
            var userIds = simulator.Control.CreateUsers(tenant, users);
            // The simulator creates a user's presence when it is first read: everyone's now, so the baseline holds it
            // rather than the gateway's share once the gateway polls.
            foreach (var user in userIds)
            {
                simulator.Control.GetPresence(user);
            }

            // Only those who sign in need the app: the installation sweep checks signed-in users; assigned users join without it.
            foreach (var owner in userIds.Take(owners))
            {
                simulator.Control.InstallApp(owner, teamsAppId);
            }

            var directory = System.IO.Directory.CreateTempSubdirectory("presencehub-scale-").FullName;
            var certificate = BenchGraph.CreateEncryptionCertificate();
            var redisConnection = redis is null ? null : await ConnectionMultiplexer.ConnectAsync($"{redis},allowAdmin=true");
            var world = new ScaleWorld(simulator, directory, certificate, redisConnection, clientId, OrganizationId.Parse(tenant), userIds, owners);
            await world.StartGatewayAsync(redis);
            return world;
        }

        /// <summary>The first users sign in to the Teams app: each SSO token goes to the gateway, which starts their owner session.</summary>
        public async Task SignInOwnersAsync(CancellationToken cancellationToken) =>
            await Parallel.ForEachAsync(_users.Take(_owners), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (user, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/consent");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _simulator.Control.MintTeamsSsoToken(_organization.ToString(), user, _clientId));
                using var response = await _http.SendAsync(request, ct);
                Ensure(response.IsSuccessStatusCode, $"signing in user {user} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            });

        /// <summary>An administrator assigns users [<paramref name="from"/>, <paramref name="to"/>) through the admin API, 16 requests in flight.</summary>
        public async Task AssignAsync(int from, int to, CancellationToken cancellationToken) =>
            await Parallel.ForEachAsync(_users.Skip(from).Take(to - from), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (user, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"admin/organizations/{_organization}/consents/{user}");
                request.Headers.Add("X-Admin-Key", BenchGraph.AdminKey);
                using var response = await _http.SendAsync(request, ct);
                Ensure(response.IsSuccessStatusCode, $"assigning user {user} failed: {(int)response.StatusCode}");
            });

        /// <summary>
        /// Runs keeper passes until the first <paramref name="count"/> users are in live presence subscriptions in the
        /// simulator and the gateway holds the last-known presence of each, then waits (without more passes) until it
        /// holds the profile of each: the profile refresher fetches them one by one in the background.
        /// </summary>
        public async Task WaitCoveredAsync(int count, Stopwatch watch, CancellationToken cancellationToken)
        {
            var unsubscribed = _users.Take(count).ToList();
            var unpolled = unsubscribed.ToList();
            var unprofiled = unsubscribed.ToList();
            var reported = TimeSpan.Zero;
            while (true)
            {
                if (unsubscribed.Count + unpolled.Count > 0)
                {
                    await Keeper.RunPassAsync(cancellationToken);
                    var subscribed = PresenceSubscriptions().SelectMany(s => QuotedId().Matches(s.Resource).Select(m => m.Groups[1].Value))
                        .ToHashSet(StringComparer.OrdinalIgnoreCase);
                    unsubscribed = [.. unsubscribed.Where(u => !subscribed.Contains(u))];
                    unpolled = await WithoutAsync(unpolled, async chunk =>
                        [.. (await Relay.GetLastKnownAsync(_organization, [.. chunk.Select(u => new PresenceSubject(Platform.Teams, u))], cancellationToken)).Select(k => k is not null)]);
                }

                unprofiled = await WithoutAsync(unprofiled, async chunk =>
                    [.. (await Directory.GetManyAsync(_organization, chunk, cancellationToken)).Select(p => p is not null)]);
                if (unsubscribed.Count + unpolled.Count + unprofiled.Count == 0)
                {
                    return;
                }

                var progress = string.Create(CultureInfo.InvariantCulture,
                    $"{unsubscribed.Count} not in a presence subscription, {unpolled.Count} without last-known presence, {unprofiled.Count} without a profile");
                if (watch.Elapsed > CoverDeadline)
                {
                    throw new ScaleBenchmarkException(string.Create(CultureInfo.InvariantCulture,
                        $"{count} users were not covered after {CoverDeadline.TotalMinutes:0} min: {progress}."));
                }

                if (watch.Elapsed - reported > TimeSpan.FromSeconds(15))
                {
                    reported = watch.Elapsed;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scale:   {watch.Elapsed.TotalSeconds:0} s: {progress}"));
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        /// <summary>
        /// Advances the clock in <see cref="RenewalStep"/> steps, with a keeper pass after each, until every subscription
        /// that expires within the presence lifetime was renewed under its id; fails when one would expire first.
        /// </summary>
        public async Task<Renewal> RenewAllAsync(CancellationToken cancellationToken)
        {
            var lifetime = _gateway.Services.GetRequiredService<IOptions<GraphOptions>>().Value.PresenceSubscriptionLifetime;
            var start = _simulator.Control.Now;
            // The app-only /users subscription lives a day; the others (presence, app installations) are due within the hour.
            var pending = _simulator.Control.GetSubscriptions().Where(s => s.Expiration <= start + lifetime + TimeSpan.FromMinutes(1))
                .ToDictionary(s => s.Id, s => s.Expiration, StringComparer.Ordinal);
            var total = pending.Count;
            var watch = Stopwatch.StartNew();
            // Nothing is due before the earliest expiry less the renewal lead and the whole jitter: go there at once,
            // then step through the jitter window.
            var options = _gateway.Services.GetRequiredService<IOptions<GraphOptions>>().Value;
            var firstDue = pending.Values.Min() - options.RenewBeforeExpiry - options.RenewalJitter - RenewalStep;
            if (firstDue > _simulator.Control.Now)
            {
                _simulator.Control.AdvanceClock(firstDue - _simulator.Control.Now);
            }

            while (pending.Count > 0)
            {
                var earliest = pending.Values.Min();
                if (_simulator.Control.Now + RenewalStep >= earliest)
                {
                    throw new ScaleBenchmarkException(string.Create(CultureInfo.InvariantCulture,
                        $"{pending.Count} of {total} subscriptions were not renewed before they expire (the first at {earliest:O})."));
                }

                _simulator.Control.AdvanceClock(RenewalStep);
                await Keeper.RunPassAsync(cancellationToken);
                var live = _simulator.Control.GetSubscriptions().ToDictionary(s => s.Id, s => s.Expiration, StringComparer.Ordinal);
                foreach (var (id, expiration) in pending.ToList())
                {
                    if (!live.TryGetValue(id, out var now))
                    {
                        throw new ScaleBenchmarkException($"Subscription {id} was replaced instead of renewed.");
                    }

                    if (now > expiration)
                    {
                        pending.Remove(id);
                    }
                }
            }

            return new Renewal(total, _simulator.Control.Now - start, watch.Elapsed);
        }

        /// <summary>Managed heap after full collections (the least of three samples, so a pass in flight does not count), working set, Redis used_memory.</summary>
        public async Task<Memory> MeasureMemoryAsync()
        {
            var heap = long.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                heap = Math.Min(heap, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(200);
            }

            using var process = Process.GetCurrentProcess();
            long? redis = null;
            if (_redis is not null)
            {
                var server = _redis.GetServer(_redis.GetEndPoints()[0]);
                var info = (await server.InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                redis = long.Parse(info["used_memory"], CultureInfo.InvariantCulture);
            }

            return new Memory(heap, process.WorkingSet64, redis);
        }

        /// <summary>The bytes each of the gateway's stores (and the simulator's subscriptions and presence) holds now.</summary>
        public IReadOnlyList<(string Name, long Bytes)> MeasureBreakdown()
        {
            var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale:   large-object heap {info.GenerationInfo[3].SizeAfterBytes / 1048576.0:0.0} MiB, pinned-object heap {info.GenerationInfo[4].SizeAfterBytes / 1048576.0:0.0} MiB"));
            var walker = new HeapBreakdown();
            var gateway = _gateway.Services;
            var simulator = _simulator.Services;
            (string Name, object Root)[] roots =
            [
                ("consents", gateway.GetRequiredService<Gateway.Privacy.IConsentStore>()),
                ("relay: last-known presence and retained events", Relay),
                ("user directory: profiles and address index", Directory),
                ("metadata log", gateway.GetRequiredService<Gateway.MetadataLog.IMetadataLog>()),
                ("gateway subscription records", gateway.GetRequiredService<IGraphSubscriptionStore>()),
                ("subscription keeper (its own state)", Keeper),
                ("profile refresh queue", gateway.GetRequiredService<ProfileRefreshQueue>()),
                ("subscription activity", gateway.GetRequiredService<SubscriptionActivity>()),
                ("presence versions", gateway.GetRequiredService<PresenceVersionSource>()),
                ("simulator: subscriptions", simulator.GetRequiredService<GraphSimulator.Subscriptions.SubscriptionStore>()),
                ("simulator: presence store", simulator.GetRequiredService<GraphSimulator.Presence.PresenceStore>()),
            ];
            return [.. roots.Select(r => (r.Name, walker.Measure(r.Root)))];
        }

        /// <summary>Prints the growth of each store since the baseline, per user, and the rest of the heap's growth.</summary>
        public void PrintBreakdown(int users, double growth, IReadOnlyList<(string Name, long Bytes)> baseline)
        {
            var now = MeasureBreakdown();
            var counted = 0L;
            for (var i = 0; i < now.Count; i++)
            {
                var bytes = now[i].Bytes - baseline[i].Bytes;
                counted += bytes;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scale:   breakdown at {users} users: {now[i].Name}: +{bytes / 1048576.0:0.0} MiB, {(double)bytes / users:0} bytes per user"));
            }

            var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale:   breakdown at {users} users: the rest of the heap's growth (pooled buffers, caches, connections...): {(growth - counted) / users:0} bytes per user; " +
                $"large-object heap {info.GenerationInfo[3].SizeAfterBytes / 1048576.0:0.0} MiB, pinned-object heap {info.GenerationInfo[4].SizeAfterBytes / 1048576.0:0.0} MiB now"));
        }

        /// <summary>Live presence subscriptions in the simulator.</summary>
        public IReadOnlyList<SubscriptionInfo> PresenceSubscriptions() =>
            [.. _simulator.Control.GetSubscriptions().Where(s => s.Resource.StartsWith("/communications/presences", StringComparison.Ordinal))];

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            await _simulator.DisposeAsync();
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            _certificate.Dispose();
            System.IO.Directory.Delete(_directory, recursive: true);
        }

        /// <summary>The users for whom <paramref name="present"/> (asked 1,000 at a time) says false.</summary>
        private static async Task<List<string>> WithoutAsync(List<string> users, Func<string[], Task<bool[]>> present)
        {
            var missing = new List<string>();
            foreach (var chunk in users.Chunk(1000))
            {
                var found = await present(chunk);
                missing.AddRange(chunk.Where((_, i) => !found[i]));
            }

            return missing;
        }

        private async Task StartGatewayAsync(string? redis)
        {
            var port = BenchGraph.FreePort();
            var address = new Uri($"http://127.0.0.1:{port}/");
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
            // The gateway reads the simulator's clock, so advancing it brings renewals due.
            builder.Services.AddSingleton(_simulator.Clock);
            var settings = await BenchGraph.GatewaySettingsAsync(_simulator, _clientId, _certificate, "current", _directory, address, _organization.ToString());
            // The scheduled poll of everyone (every 5 min by default) would repeat a dozen times while the clock is
            // advanced through the renewal window; polls are not subscription calls, and the poll after each gap stays.
            settings["Graph:ReconcileInterval"] = "01:00:00";
            if (redis is not null)
            {
                settings["Relay:Mode"] = "Redis";
                settings["Relay:RedisConfiguration"] = redis;
                settings["Relay:KeyPrefix"] = $"scale{Guid.NewGuid():N}"[..13];
            }

            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddPresenceHub();
            _gateway = builder.Build();
            _gateway.MapPresenceHub();
            await _gateway.StartAsync();
            _http.BaseAddress = address;
        }

        private static void Ensure(bool condition, string message)
        {
            if (!condition)
            {
                throw new ScaleBenchmarkException(message);
            }
        }
    }
}
