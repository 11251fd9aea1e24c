using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// Ready when the state can be reached (<see cref="StateProbe"/>): Redis answers PING on the gateway's own
/// connection, or the state is in memory. Not cached: a PING is cheap and readiness must follow Redis closely.
/// </summary>
internal sealed class StateReadinessCheck(StateProbe probe, ILogger<StateReadinessCheck> logger) : IHealthCheck
{
    public const string Name = "redis";

    private readonly ReadinessTransitions _transitions = new(Name, logger);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (await probe.PingAsync(cancellationToken).ConfigureAwait(false) is not { } latency)
            {
                return HealthCheckResult.Healthy("The state is in memory.");
            }

            _transitions.Ready();
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"Redis answered PING in {latency.TotalMilliseconds:0.#} ms."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _transitions.NotReady(e.GetType().Name);
            return HealthCheckResult.Unhealthy("Redis does not answer PING.");
        }
    }
}
