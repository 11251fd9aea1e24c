using StackExchange.Redis;

namespace PresenceHub.Gateway.State;

/// <summary>Tells an unreachable Redis from a bug, and says so clearly to the caller.</summary>
internal static class RedisFailures
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("READONLY", StringComparison.Ordinal),
        _ => false,
    };

    public static StateUnavailableException Unavailable(Exception exception) => new(
        "Redis is unreachable or did not answer in time, so the gateway cannot read or store its state; retry once it is back.",
        exception);
}
