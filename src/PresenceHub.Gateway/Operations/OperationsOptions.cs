using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Operations;

/// <summary>How operators observe the gateway beyond logs and OTLP (section <c>Operations</c>).</summary>
internal sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>
    /// The port on which <c>/metrics</c> serves the gateway's metrics in Prometheus text format, for a Prometheus
    /// scrape or ServiceMonitor; off when unset. The gateway must listen there (a Kestrel endpoint such as
    /// <c>Kestrel:Endpoints:Metrics:Url=http://+:9464</c>); <c>/metrics</c> answers on no other port, so it never
    /// reaches the public webhook listener.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Operations:PrometheusPort must be a port number between 1 and 65535.")]
    public int? PrometheusPort { get; set; }

    /// <summary>
    /// How long Entra ID's token endpoint or Graph may stay unreachable before <c>/healthz/ready</c> reports not ready,
    /// even while cached app tokens still work. The readiness probe checks both with one cheap request each (no token
    /// is issued), at most every 30 seconds per organization, so a blip shorter than this keeps the gateway ready.
    /// Between 1 second and 1 day. Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Operations:GraphUnreachableAfter must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan GraphUnreachableAfter { get; set; } = TimeSpan.FromMinutes(5);
}
