using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PresenceHub.Bench.E2e;
using PresenceHub.Connector.Sdk;

namespace PresenceHub.Bench;

/// <summary>
/// The whole path, measured together: Graph-format notification batches posted open loop to the gateway's webhook,
/// through the relay (Redis when bench/run started one), over the connector API to a connector built on the C# SDK.
/// In the same run it measures the baselines (a bare Kestrel endpoint answering 202 to the same driver, a bare gRPC
/// server stream to the same SDK, raw RSA-OAEP decrypts, and raw Redis XADD measured by bench/run) and the gateway's
/// memory per consented user at scale (<see cref="ScaleBenchmark"/>), then writes a markdown report and an SVG chart.
/// </summary>
internal static class E2eBenchmark
{
    private const int Users = 2_000;
    private const double SlowResponseMs = 2_900;

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = Argument(args, "--redis");
        var rawXadd = double.Parse(Argument(args, "--raw-xadd") ?? "NaN", CultureInfo.InvariantCulture);
        var redisPid = int.TryParse(Argument(args, "--redis-pid"), out var pid) ? pid : (int?)null;
        var seconds = double.Parse(Argument(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var pacedSeconds = double.Parse(Argument(args, "--paced-seconds") ?? "10", CultureInfo.InvariantCulture);
        var inFlight = int.Parse(Argument(args, "--in-flight") ?? "8", CultureInfo.InvariantCulture);
        var scaleUsers = (Argument(args, "--scale-users") ?? "10000,100000").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Where(n => n != "none").Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var reportDirectory = Argument(args, "--report") ?? Path.Combine("artifacts", "bench");
        var saturate = TimeSpan.FromSeconds(seconds);
        var paced = TimeSpan.FromSeconds(pacedSeconds);
        var failures = new List<string>();
        var report = new E2eReport { Cores = Environment.ProcessorCount, Relay = redis is null ? "in-memory" : "Redis", Users = Users, InFlight = inFlight, RawXaddPerSecond = rawXadd };

        await using (var world = await E2eWorld.StartAsync(redis, Users, "e2e"))
        {
            var driver = new NotificationDriver(world);
            var recorder = new DeliveryRecorder(driver);
            Console.WriteLine($"{Users} consenting users in {world.Subscriptions.Count} presence subscriptions the keeper created; relay {report.Relay}; " +
                              $"{NotificationDriver.BatchSize} items per POST; {Environment.ProcessorCount} cores");

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false }) { BaseAddress = world.WebhookAddress };
            await using var connector = new ConnectorClient(
                new ConnectorClientOptions { HubAddress = world.ConnectorAddress, ConnectorId = "e2e", Platform = "bench", AccessToken = world.ConnectorKey }, recorder);
            await connector.StartAsync(CancellationToken.None);
            await WaitAsync(() => connector.Status == ConnectionStatus.Connected, TimeSpan.FromSeconds(30), "the connector to connect");

            // The keeper's first pass (presence poll, profile fetches, the connector's first events) ends before anything is measured.
            await Task.Delay(TimeSpan.FromSeconds(5));

            (report.KestrelPerSecond, report.KestrelCpuMicros) = await MeasureKestrelAsync(driver, saturate, inFlight);
            Console.WriteLine($"baseline: the same driver posting to a bare Kestrel endpoint answering 202: {report.KestrelPerSecond:0} events/s, " +
                              $"{report.KestrelCpuMicros:0.0} CPU µs per event (driver and Kestrel)");
            driver.ResetTracking();

            var organization = world.Organization;
            report.GrpcPerSecond = await FanoutBenchmark.MeasureBaselineAsync(organization, [.. world.Subscriptions.SelectMany(s => s.UserIds)], 200_000);
            Console.WriteLine($"baseline: a bare gRPC server stream to the SDK: {report.GrpcPerSecond:0} events/s");
            if (!double.IsNaN(rawXadd))
            {
                Console.WriteLine($"baseline: redis-benchmark XADD pipelining 16: {rawXadd:0} entries/s");
            }

            world.Decryption.Plain = true;
            await driver.SaturateAsync(http, TimeSpan.FromSeconds(5), inFlight);
            await WaitAsync(() => driver.CaughtUp(recorder.Handled), TimeSpan.FromMinutes(2), "the connector to catch up after the warm-up");

            var cpu = new CpuMeter(redisPid);
            var delivered = recorder.Delivered;
            var started = Stopwatch.GetTimestamp();
            var saturated = await driver.SaturateAsync(http, saturate, inFlight);
            await WaitAsync(() => driver.CaughtUp(recorder.Handled), TimeSpan.FromMinutes(5), "the connector to catch up after the saturated phase");
            var elapsed = Stopwatch.GetElapsedTime(started);
            report.Saturated = new E2eReport.Phase("saturated, plain", saturated.Events, recorder.Delivered - delivered, elapsed, saturated.SortedLatencies(), null, cpu.Sample(recorder.Delivered - delivered));
            report.EventsPerSecond = report.Saturated.Delivered / elapsed.TotalSeconds;
            Console.WriteLine(report.Saturated.Describe());

            // Measured here, beside the phase it bounds, with the system as quiet as it will be.
            report.RsaDecryptsPerSecond = MeasureRsa(world, driver);
            Console.WriteLine($"baseline: raw RSA-OAEP-SHA1 (2048-bit) decrypt on {Environment.ProcessorCount} threads: {report.RsaDecryptsPerSecond:0}/s");

            world.Decryption.Plain = false;
            cpu = new CpuMeter(redisPid);
            delivered = recorder.Delivered;
            started = Stopwatch.GetTimestamp();
            var encrypted = await driver.SaturateAsync(http, saturate / 2, inFlight);
            await WaitAsync(() => driver.CaughtUp(recorder.Handled), TimeSpan.FromMinutes(5), "the connector to catch up after the encrypted phase");
            report.Encrypted = new E2eReport.Phase("saturated, encrypted (RSA unwrap per item)", encrypted.Events, recorder.Delivered - delivered,
                Stopwatch.GetElapsedTime(started), encrypted.SortedLatencies(), null, cpu.Sample(recorder.Delivered - delivered));
            Console.WriteLine(report.Encrypted.Describe());

            world.Decryption.Plain = true;
            foreach (var share in new[] { 0.25, 0.5, 0.75 })
            {
                var rate = report.EventsPerSecond * share;
                cpu = new CpuMeter(redisPid);
                delivered = recorder.Delivered;
                var window = recorder.Record((int)(rate * pacedSeconds * 1.2) + 10_000);
                started = Stopwatch.GetTimestamp();
                var posts = await driver.PaceAsync(http, rate / NotificationDriver.BatchSize, paced);
                await WaitAsync(() => driver.CaughtUp(recorder.Handled), TimeSpan.FromMinutes(2), $"the connector to catch up at {share:P0}");
                recorder.StopRecording();
                var phase = new E2eReport.Phase($"paced at {share:P0} ({rate:0} events/s offered)", posts.Events, recorder.Delivered - delivered,
                    Stopwatch.GetElapsedTime(started), posts.SortedLatencies(), window.Sorted(), cpu.Sample(recorder.Delivered - delivered));
                report.Paced.Add((share, phase));
                Console.WriteLine(phase.Describe());
            }

            report.SlowResponses = new[] { report.Saturated, report.Encrypted }.Concat(report.Paced.Select(p => p.Phase))
                .Sum(p => p.WebhookLatencies.Count(l => l > SlowResponseMs));
            if (driver.Failures > 0)
            {
                failures.Add($"{driver.Failures} POSTs were not answered 202");
            }

            if (report.Paced.Any(p => p.Phase.Delivered == 0 || p.Phase.EndToEnd!.Length == 0))
            {
                failures.Add("a paced phase delivered nothing to the connector");
            }

            await connector.StopAsync(CancellationToken.None);
        }

        if (scaleUsers.Length > 0)
        {
            try
            {
                report.Scale = await ScaleBenchmark.MeasureAsync(redis, scaleUsers, CancellationToken.None);
            }
            catch (ScaleBenchmarkException ex)
            {
                failures.Add($"scale: {ex.Message}");
            }
        }

        var (markdown, chart) = report.Write(reportDirectory);
        Console.WriteLine($"report: {markdown}, chart: {chart}");
        if (failures.Count > 0)
        {
            Console.Error.WriteLine("e2e failed: " + string.Join("; ", failures));
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT e2e_events_per_s={report.EventsPerSecond:0} e2e_p99_ms={report.HalfLoad.EndToEndP(0.99):0.00} slow_responses={report.SlowResponses} " +
            $"bytes_per_user={report.Scale?.Counts[^1].ManagedBytesPerUser ?? double.NaN:0} ratio_vs_kestrel={report.EventsPerSecond / report.KestrelPerSecond:0.000}"));
        return 0;
    }

    /// <summary>Raw RSA-OAEP-SHA1 decrypts of the driver's wrapped keys on every core for about two seconds.</summary>
    private static double MeasureRsa(E2eWorld world, NotificationDriver driver)
    {
        var wrapped = driver.WrappedKeys.Select(Convert.FromBase64String).ToArray();
        var count = 0L;
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            using var rsa = world.Certificate.GetRSAPrivateKey()!;
            for (var i = 0; Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2); i++)
            {
                rsa.Decrypt(wrapped[i % wrapped.Length], RSAEncryptionPadding.OaepSHA1);
                Interlocked.Increment(ref count);
            }
        });
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>The same driver and batches, closed loop, against an endpoint that reads the body and answers 202.</summary>
    private static async Task<(double PerSecond, double CpuMicros)> MeasureKestrelAsync(NotificationDriver driver, TimeSpan duration, int inFlight)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapPost("/graph/notifications", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            return Results.Accepted();
        });
        await app.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false }) { BaseAddress = new Uri(app.Urls.First()) };
        await driver.SaturateAsync(http, TimeSpan.FromSeconds(1), inFlight);
        var cpu = new CpuMeter(null);
        var log = await driver.SaturateAsync(http, duration, inFlight);
        return (log.Events / log.Elapsed.TotalSeconds, cpu.Sample(log.Events).ProcessMicros);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
