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
}
