using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// Ready when the relay's Redis answers PING on the relay's own connection, in Redis mode; always ready in memory
/// mode, which has nothing to reach. Not cached: a PING is cheap and readiness must follow Redis closely.
/// </summary>
internal sealed class RedisReadinessCheck(IOptions<RelayOptions> options, IServiceProvider services, ILogger<RedisReadinessCheck> logger) : IHealthCheck
{
    public const string Name = "redis";

    private readonly ReadinessTransitions _transitions = new(Name, logger);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Mode != RelayMode.Redis)
        {
            return HealthCheckResult.Healthy("The relay is in memory.");
        }

        try
        {
            // Resolved here, not injected: the connection's constructor needs the Redis configuration, absent in memory mode.
            var connection = services.GetRequiredService<RedisRelayConnection>();
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            var latency = await database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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
