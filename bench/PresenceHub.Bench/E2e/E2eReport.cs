using System.Globalization;
using System.Text;

namespace PresenceHub.Bench.E2e;

/// <summary>The figures of one e2e run, written as a markdown report and an SVG chart.</summary>
internal sealed class E2eReport
{
    public int Cores { get; init; }

    public string Relay { get; init; } = "";

    public int Users { get; init; }

    public int InFlight { get; init; }

    public double RawXaddPerSecond { get; init; }

    public double RsaDecryptsPerSecond { get; set; }

    public double KestrelPerSecond { get; set; }

    public double KestrelCpuMicros { get; set; }

    public double GrpcPerSecond { get; set; }

    public double EventsPerSecond { get; set; }

    public Phase Saturated { get; set; } = null!;

    public Phase Encrypted { get; set; } = null!;

    public List<(double Share, Phase Phase)> Paced { get; } = [];

    public int SlowResponses { get; set; }

    public ScaleResult? Scale { get; set; }

    public Phase HalfLoad => Paced.Single(p => p.Share == 0.5).Phase;

    /// <summary>Writes e2e.md and e2e.svg into <paramref name="directory"/>; returns their paths.</summary>
    public (string Markdown, string Chart) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var markdown = Path.Combine(directory, "e2e.md");
        var chart = Path.Combine(directory, "e2e.svg");
        File.WriteAllText(markdown, Markdown());
        File.WriteAllText(chart, Svg());
        return (markdown, chart);
    }

    private string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# PresenceHub end to end");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Cores} cores shared by the load driver, Graph simulator, gateway, connector and redis-server; relay: {Relay}; " +
             $"{Users} consenting users in presence subscriptions the keeper created; {NotificationDriver.BatchSize} notifications per POST.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"![chart](e2e.svg)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Throughput");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| path | events/s | end to end as a share of it |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| --- | ---: | ---: |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| **end to end**: webhook, relay, connector API, SDK connector (plain: no RSA unwrap) | **{EventsPerSecond:N0}** | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| bare Kestrel endpoint answering 202, same driver and batches | {KestrelPerSecond:N0} | {EventsPerSecond / KestrelPerSecond:0.000} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| bare gRPC server stream to the same SDK | {GrpcPerSecond:N0} | {EventsPerSecond / GrpcPerSecond:0.000} |");
        if (!double.IsNaN(RawXaddPerSecond))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| raw Redis XADD, pipelining 16 (redis-benchmark) | {RawXaddPerSecond:N0} | {EventsPerSecond / RawXaddPerSecond:0.000} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| end to end, encrypted: the SDK's decryption, an RSA-OAEP unwrap per item | {Encrypted.DeliveredPerSecond:N0} | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| raw RSA-OAEP-SHA1 2048-bit decrypts on {Cores} threads | {RsaDecryptsPerSecond:N0} | encrypted / RSA: {Encrypted.DeliveredPerSecond / RsaDecryptsPerSecond:0.000} |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Saturated phases ran {InFlight} POSTs in flight; events/s = events delivered to the connector (handled, or replaced in the gateway's stream " +
             $"queue by a newer state of the same user that was handled) / time from the first POST until the connector held every user's newest posted state.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Latency at a share of saturation");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Open loop: POSTs start on schedule whether or not earlier ones were answered, and every notification carries its POST's scheduled time in its " +
             $"`sequenceNumber`; end-to-end latency is from that time to the connector's handler, webhook latency from it to the 202.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| load | offered events/s | delivered events/s | e2e p50 ms | e2e p99 ms | e2e p99.9 ms | e2e max ms | webhook p50 ms | webhook p99 ms | webhook > 2.9 s | CPU µs/event (process) | CPU µs/event (redis-server) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (share, phase) in Paced)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {share:P0} | {EventsPerSecond * share:N0} | {phase.DeliveredPerSecond:N0} | {phase.EndToEndP(0.5):0.00} | {phase.EndToEndP(0.99):0.00} | {phase.EndToEndP(0.999):0.00} | {phase.EndToEndP(1):0.00} | " +
                 $"{phase.WebhookP(0.5):0.00} | {phase.WebhookP(0.99):0.00} | {phase.Slow} | {phase.Cpu.ProcessMicros:0.0} | {Redis(phase.Cpu)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| phase | events posted | delivered | webhook p99 ms | webhook > 2.9 s | CPU µs/event (process) | CPU µs/event (redis-server) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var phase in new[] { Saturated, Encrypted })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {phase.Name} | {phase.Posted:N0} | {phase.Delivered:N0} | {phase.WebhookP(0.99):0.00} | {phase.Slow} | {phase.Cpu.ProcessMicros:0.0} | {Redis(phase.Cpu)} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| bare Kestrel 202 (driver and Kestrel only) | | | | | {KestrelCpuMicros:0.0} | |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The process figure covers everything in the benchmark's process: the driver building and encrypting the batches, the simulator, the gateway and the " +
             $"SDK connector. The bare Kestrel row is the driver's own share.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Memory and subscriptions at scale");
        text.AppendLine();
        if (Scale is null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Not measured in this run.");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"The gateway composed as in production on the same relay, {Scale.Owners} users signed in to own subscriptions, the rest assigned through the admin API; " +
                $"measured once the keeper subscribed every consented user and their presence and profiles were stored. Bytes per user: managed heap after a full GC, " +
                $"less a baseline taken before anyone consented (the in-process simulator's subscription state counts too).");
            text.AppendLine();
            text.AppendLine("| consented users | gateway bytes per user | working set growth per user | Redis bytes per user | presence subscriptions | covered in |");
            text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var count in Scale.Counts)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {count.Users:N0} | {count.ManagedBytesPerUser:N0} | {count.WorkingSetBytesPerUser:N0} | {(count.RedisBytesPerUser is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "n/a")} | {count.PresenceSubscriptions:N0} | {count.TimeToCover.TotalSeconds:0} s |");
            }

            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Subscription writes: {Scale.SubscriptionCreates:N0} while users were covered, {Scale.SubscriptionRenewals:N0} while all {Scale.SubscriptionsRenewed:N0} subscriptions were renewed; " +
                $"at most {Scale.MaxSubscriptionCallsPer20Seconds:N0} in any 20 s of the simulator's clock; {Scale.Throttled:N0} throttled.");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Targets");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| target | measured | met |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| --- | --- | --- |");
        Target(text, ">= 20,000 events/s end to end", $"{EventsPerSecond:N0}", EventsPerSecond >= 20_000);
        Target(text, "p99 <= 50 ms at half load", $"{HalfLoad.EndToEndP(0.99):0.00} ms", HalfLoad.EndToEndP(0.99) <= 50);
        Target(text, "0 webhook responses over 2.9 s", $"{SlowResponses}", SlowResponses == 0);
        if (Scale is not null)
        {
            var largest = Scale.Counts[^1];
            Target(text, $"<= 2 KiB gateway memory per consented user at {largest.Users:N0} users", $"{largest.ManagedBytesPerUser:N0} bytes", largest.ManagedBytesPerUser <= 2048);
            Target(text, "subscription calls never above 1,000 per 20 s", $"max {Scale.MaxSubscriptionCallsPer20Seconds} per 20 s, {Scale.Throttled} throttled",
                Scale.MaxSubscriptionCallsPer20Seconds <= 1000 && Scale.Throttled == 0);
        }

        return text.ToString();
    }

    private static string Redis(CpuSample cpu) => cpu.RedisMicros is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "n/a";

    private static void Target(StringBuilder text, string target, string measured, bool met) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {measured} | {(met ? "yes" : "**no**")} |");

    /// <summary>Two panels: throughput on a log scale against the baselines, and end-to-end latency percentiles per load.</summary>
    private string Svg()
    {
        const int width = 900;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"640\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine("<text x=\"20\" y=\"24\" font-size=\"15\" font-weight=\"bold\">Throughput, events/s (log scale)</text>");
        var bars = new List<(string Label, double Value, string Color)>
        {
            ("end to end (plain)", EventsPerSecond, "#1f77b4"),
            ("bare Kestrel 202", KestrelPerSecond, "#999999"),
            ("bare gRPC stream", GrpcPerSecond, "#999999"),
        };
        if (!double.IsNaN(RawXaddPerSecond))
        {
            bars.Add(("raw Redis XADD -P 16", RawXaddPerSecond, "#999999"));
        }

        bars.Add(("end to end (encrypted)", Encrypted.DeliveredPerSecond, "#ff7f0e"));
        bars.Add(("raw RSA-OAEP decrypts", RsaDecryptsPerSecond, "#999999"));
        const double left = 200, right = width - 120;
        var (minLog, maxLog) = (3.0, Math.Ceiling(Math.Log10(Math.Max(10_000, bars.Max(b => b.Value)))));
        double X(double value) => left + ((Math.Log10(Math.Max(value, 1000)) - minLog) / (maxLog - minLog) * (right - left));
        for (var tick = minLog; tick <= maxLog; tick++)
        {
            var x = X(Math.Pow(10, tick));
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{x:0}\" y1=\"40\" x2=\"{x:0}\" y2=\"{44 + (bars.Count * 30)}\" stroke=\"#ddd\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x:0}\" y=\"{58 + (bars.Count * 30)}\" text-anchor=\"middle\">{Math.Pow(10, tick):N0}</text>");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, color) = bars[i];
            var y = 44 + (i * 30);
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{label}</text>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y}\" width=\"{Math.Max(1, X(value) - left):0}\" height=\"20\" fill=\"{color}\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{X(value) + 6:0}\" y=\"{y + 15}\">{value:N0}</text>");
        }

        const int top = 320, bottom = 590;
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"20\" y=\"{top - 16}\" font-size=\"15\" font-weight=\"bold\">End-to-end latency from the scheduled POST, ms (log scale), open loop at a share of saturation</text>");
        var maxMs = Math.Max(10, Paced.Max(p => p.Phase.EndToEndP(0.999)));
        var (lowLog, highLog) = (-1.0, Math.Ceiling(Math.Log10(maxMs)));
        double Y(double ms) => bottom - ((Math.Log10(Math.Max(ms, 0.1)) - lowLog) / (highLog - lowLog) * (bottom - top));
        for (var tick = lowLog; tick <= highLog; tick++)
        {
            var y = Y(Math.Pow(10, tick));
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"80\" y1=\"{y:0}\" x2=\"{right:0}\" y2=\"{y:0}\" stroke=\"#ddd\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"72\" y=\"{y + 4:0}\" text-anchor=\"end\">{Math.Pow(10, tick):0.#}</text>");
        }

        var target = Y(50);
        svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"80\" y1=\"{target:0}\" x2=\"{right:0}\" y2=\"{target:0}\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{right + 6:0}\" y=\"{target + 4:0}\" fill=\"#d62728\">50 ms target</text>");
        (string Name, double Quantile, string Color)[] series = [("p50", 0.5, "#2ca02c"), ("p99", 0.99, "#1f77b4"), ("p99.9", 0.999, "#9467bd")];
        var group = (right - 80) / Paced.Count;
        for (var g = 0; g < Paced.Count; g++)
        {
            var (share, phase) = Paced[g];
            var x0 = 80 + (g * group) + 30;
            for (var s = 0; s < series.Length; s++)
            {
                var value = phase.EndToEndP(series[s].Quantile);
                var x = x0 + (s * 60);
                svg.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{x:0}\" y=\"{Y(value):0}\" width=\"50\" height=\"{bottom - Y(value):0}\" fill=\"{series[s].Color}\"/>");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x + 25:0}\" y=\"{Y(value) - 4:0}\" text-anchor=\"middle\">{value:0.0}</text>");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x + 25:0}\" y=\"{bottom + 14}\" text-anchor=\"middle\">{series[s].Name}</text>");
            }

            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x0 + 85:0}\" y=\"{bottom + 32}\" text-anchor=\"middle\" font-weight=\"bold\">{share:P0} ({EventsPerSecond * share:N0}/s)</text>");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>One measured phase.</summary>
    internal sealed record Phase(string Name, long Posted, long Delivered, TimeSpan Elapsed, double[] WebhookLatencies, double[]? EndToEnd, CpuSample Cpu)
    {
        public double DeliveredPerSecond => Delivered / Elapsed.TotalSeconds;

        public int Slow => WebhookLatencies.Count(l => l > 2_900);

        public double WebhookP(double quantile) => Percentile(WebhookLatencies, quantile);

        public double EndToEndP(double quantile) => EndToEnd is { } e ? Percentile(e, quantile) : double.NaN;

        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture,
                $"{Name}: {Posted} events posted, {Delivered} delivered in {Elapsed.TotalSeconds:0.00} s = {DeliveredPerSecond:0} events/s; " +
                $"webhook p50 {WebhookP(0.5):0.00} ms, p99 {WebhookP(0.99):0.00} ms, {Slow} over 2.9 s");
            if (EndToEnd is not null)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"; end to end p50 {EndToEndP(0.5):0.00} ms, p99 {EndToEndP(0.99):0.00} ms, p99.9 {EndToEndP(0.999):0.00} ms, max {EndToEndP(1):0.00} ms ({EndToEnd.Length} events)");
            }

            text.Append(CultureInfo.InvariantCulture, $"; CPU {Cpu.ProcessMicros:0.0} µs/event in this process (GCs {Cpu.Gen0}/{Cpu.Gen1}/{Cpu.Gen2})");
            if (Cpu.RedisMicros is { } redis)
            {
                text.Append(CultureInfo.InvariantCulture, $", {redis:0.0} µs/event in redis-server");
            }

            return text.ToString();
        }

        private static double Percentile(double[] sorted, double quantile) =>
            sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
