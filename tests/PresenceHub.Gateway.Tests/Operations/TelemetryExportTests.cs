using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Tests.Graph;

namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>
/// Traces, metrics and logs reach an OTLP collector only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; Prometheus
/// scrapes <c>/metrics</c> on its own port only when <c>Operations:PrometheusPort</c> is set.
/// </summary>
[Collection(ProcessWideTelemetryCollection.Name)]
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task EndpointSet_ExportsOurMeterTracesAndLogs_OverOtlpHttp()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var world = await GraphIngestWorld.StartAsync(users: 1, gatewaySettings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export often, so the test waits on arrival rather than the one-minute default.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        });

        // A malformed notification: traced by ASP.NET Core and counted in our meter as rejected.
        using var response = await world.GatewayHttp.PostAsync(GraphWebhookEndpoints.NotificationsPath,
            new StringContent("not a notification", Encoding.UTF8, "application/json"));

        await ArrivesAsync(collector, () => collector.Received("/v1/metrics", GatewayMeter.Name)
                && collector.Received("/v1/metrics", "presencehub.webhook.rejected"),
            "the PresenceHub.Gateway meter's rejected counter never reached the collector");
        await ArrivesAsync(collector, () => collector.Received("/v1/traces", GraphWebhookEndpoints.NotificationsPath),
            "the webhook request's span never reached the collector");
        await ArrivesAsync(collector, () => collector.Received("/v1/logs", "presencehub-gateway"),
            "no log record of the gateway reached the collector");
        Assert.True(collector.Received("/v1/traces", "presencehub-gateway"), "spans do not carry the service name");
    }

    [Fact]
    public async Task PrometheusPortSet_ServesOurMetricsThere_AndNotOnTheWebhookPort()
    {
        var port = FreePort();
        await using var world = await GraphIngestWorld.StartAsync(users: 1, gatewaySettings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            ["Operations:PrometheusPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["Kestrel:Endpoints:Metrics:Url"] = $"http://127.0.0.1:{port}",
        });
        using var rejected = await world.GatewayHttp.PostAsync(GraphWebhookEndpoints.NotificationsPath,
            new StringContent("not a notification", Encoding.UTF8, "application/json"));
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        var text = await scraper.GetStringAsync("metrics");

        Assert.Contains("presencehub_webhook_rejected", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"malformed\"", text, StringComparison.Ordinal);
        using var onWebhookPort = await world.GatewayHttp.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, onWebhookPort.StatusCode);
        // Metrics only: no trace or log pipeline without an OTLP endpoint.
        Assert.Null(world.Gateway.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task EndpointUnset_RegistersNoOpenTelemetryProviders()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1, gatewaySettings: new Dictionary<string, string?>
        {
            // Empty overrides a variable the machine might have set.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        using var response = await world.GatewayHttp.PostAsync(GraphWebhookEndpoints.NotificationsPath,
            new StringContent("not a notification", Encoding.UTF8, "application/json"));

        Assert.Null(world.Gateway.Services.GetService<MeterProvider>());
        Assert.Null(world.Gateway.Services.GetService<TracerProvider>());
        Assert.Null(world.Gateway.Services.GetService<OpenTelemetry.Logs.LoggerProvider>());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ArrivesAsync(OtlpReceiver collector, Func<bool> arrived, string failure)
    {
        try
        {
            await Eventually.UntilAsync(arrived, because: failure);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} The collector received: {collector}.", e);
        }
    }
}
