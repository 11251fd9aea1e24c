using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.State;

/// <summary>Answers whether the state can be reached, for readiness and <c>doctor</c>: memory always can; Redis must answer PING.</summary>
internal sealed class StateProbe(IOptions<StateOptions> options, IServiceProvider services)
{
    /// <summary>The mode chosen at start.</summary>
    public StateMode Mode => options.Value.Mode;

    /// <summary>PING's round trip to Redis, or null in memory mode, which has nothing to reach.</summary>
    /// <exception cref="Exception">Redis cannot be reached; the caller reports the exception's type.</exception>
    public async Task<TimeSpan?> PingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode != StateMode.Redis)
        {
            return null;
        }

        // Resolved here, not injected: the connection's constructor needs the Redis configuration, absent in memory mode.
        var database = await services.GetRequiredService<RedisConnection>().DatabaseAsync().ConfigureAwait(false);
        return await database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
