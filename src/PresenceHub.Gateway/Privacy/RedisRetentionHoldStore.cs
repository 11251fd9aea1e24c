using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Retention holds in Redis, on the relay's connection and key prefix: <c>{prefix}:{tenant}:retention-hold</c> exists while held.</summary>
internal sealed class RedisRetentionHoldStore(RedisConnection connection, IOptions<StateOptions> options) : IRetentionHoldStore
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public async Task SetAsync(OrganizationId organization, bool held, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            _ = held
                ? await database.StringSetAsync(Key(organization), "1").ConfigureAwait(false)
                : await database.KeyDeleteAsync(Key(organization)).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<bool> IsHeldAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            return await database.KeyExistsAsync(Key(organization)).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private RedisKey Key(OrganizationId organization) => $"{_prefix}:{{{organization}}}:retention-hold";
}
