using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// What operators run the gateway with: JSON console logs, OpenTelemetry over OTLP when an endpoint is configured,
/// Prometheus <c>/metrics</c> on a port of its own when one is configured, and the liveness and readiness probes
/// (HTTP <c>/healthz/live</c> and <c>/healthz/ready</c>; gRPC <c>grpc.health.v1</c> reports the same checks).
/// </summary>
internal static class OperationsExtensions
{
    /// <summary>The liveness probe: the process serves requests; it runs no checks.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>The readiness probe: Redis (in Redis mode) and Graph app tokens.</summary>
    public const string ReadyPath = "/healthz/ready";

    /// <summary>The Prometheus scrape path, on <see cref="OperationsOptions.PrometheusPort"/> only.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The tag of the checks that gate readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The standard OpenTelemetry variable that turns export on; read through configuration, so an environment variable or a setting works.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The <c>service.name</c> resource attribute unless <c>OTEL_SERVICE_NAME</c> names another.</summary>
    public const string ServiceName = "presencehub-gateway";

    /// <summary>Every meter and activity source of ours (<c>PresenceHub.Gateway</c>, <c>PresenceHub.Relay</c>, and those features add later).</summary>
    public const string TelemetryNames = "PresenceHub.*";

    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<OperationsOptions>()
            .BindConfiguration(OperationsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<HttpSecurityOptions>()
            .BindConfiguration(HttpSecurityOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        UseJsonConsoleLogsByDefault(services);
        AddOpenTelemetryWhenConfigured(builder);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StateReadinessCheck>();
        services.TryAddSingleton<GraphReachability>();
        services.TryAddSingleton<GraphTokenReadinessCheck>();
        // The gRPC health service (mapped with the connector API) reports every registered check, so it agrees with /healthz/ready.
        services.AddHealthChecks()
            .AddCheck<StateReadinessCheck>(StateReadinessCheck.Name, tags: [ReadyTag])
            .AddCheck<GraphTokenReadinessCheck>(GraphTokenReadinessCheck.Name, tags: [ReadyTag]);
        return builder;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReportAsync,
        });
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<OperationsOptions>>().Value.PrometheusPort is { } port)
        {
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireHost($"*:{port.ToString(CultureInfo.InvariantCulture)}");
        }

        return endpoints;
    }

    /// <summary>
    /// JSON lines are the default because the gateway's home is a container whose log collector parses them;
    /// <c>Logging:Console:FormatterName</c> (<c>simple</c>, <c>systemd</c>) still wins when set.
    /// </summary>
    private static void UseJsonConsoleLogsByDefault(IServiceCollection services)
    {
        services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName ??= ConsoleFormatterNames.Json);
        services.PostConfigure<JsonConsoleFormatterOptions>(json =>
        {
            if (json.TimestampFormat is null)
            {
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.UseUtcTimestamp = true;
            }
        });
    }

    /// <summary>
    /// Traces, metrics and logs go over OTLP only when <see cref="OtlpEndpointSetting"/> is set, and metrics are also
    /// kept for Prometheus when <see cref="OperationsOptions.PrometheusPort"/> is; with neither, no OpenTelemetry SDK
    /// is registered at all, so nothing is collected for nobody. The OTLP exporter reads the other standard variables
    /// (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>_HEADERS</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>...).
    /// </summary>
    private static void AddOpenTelemetryWhenConfigured(IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        var prometheus = builder.Configuration.GetValue<int?>($"{OperationsOptions.SectionName}:{nameof(OperationsOptions.PrometheusPort)}") is not null;
        if (!otlp && !prometheus)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            telemetry.ConfigureResource(resource => resource.AddService(ServiceName));
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(TelemetryNames).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }
        });
        if (!otlp)
        {
            return;
        }

        telemetry
            .WithTracing(tracing => tracing
                .AddSource(TelemetryNames)
                // Probes and scrapes every few seconds would drown the traces that matter.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments(MetricsPath))
                .AddHttpClientInstrumentation())
            .WithLogging()
            .UseOtlpExporter();
    }

    /// <summary>The overall status and each check's status and our own description; never exception text, which may name hosts or keys.</summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
