using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Identity links in Redis, on the relay's connection and key prefix, both directions in one slot per organization:
/// <c>{prefix}:{tenant}:links:{platform}</c> hash (platform user → Teams user) and
/// <c>{prefix}:{tenant}:links-rev:{platform}</c> hash (Teams user → platform user), and
/// <c>{prefix}:{tenant}:link-platforms</c> set of the platforms that have links, so a Teams user's links can all be
/// found when they leave. A script keeps them consistent.
/// </summary>
internal sealed class RedisIdentityLinkStore(RedisConnection connection, IOptions<StateOptions> options) : IIdentityLinkStore
{
    // KEYS: forward, reverse, platforms. ARGV: platform user, teams user, platform.
    private const string LinkScript = """
        local previousTeams = redis.call('HGET', KEYS[1], ARGV[1])
        if previousTeams then redis.call('HDEL', KEYS[2], previousTeams) end
        local previousPlatform = redis.call('HGET', KEYS[2], ARGV[2])
        if previousPlatform then redis.call('HDEL', KEYS[1], previousPlatform) end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
        redis.call('SADD', KEYS[3], ARGV[3])
        return 1
        """;

    // KEYS: forward, reverse. ARGV: teams user.
    private const string UnlinkTeamsScript = """
        local platformUser = redis.call('HGET', KEYS[2], ARGV[1])
        if not platformUser then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[1])
        if redis.call('HGET', KEYS[1], platformUser) == ARGV[1] then redis.call('HDEL', KEYS[1], platformUser) end
        return 1
        """;

    // KEYS: forward, reverse. ARGV: platform user.
    private const string UnlinkScript = """
        local teams = redis.call('HGET', KEYS[1], ARGV[1])
        if not teams then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], teams)
        return 1
        """;

    private readonly string _prefix = options.Value.KeyPrefix;

    public Task LinkAsync(OrganizationId organization, Platform platform, string platformUserId, string teamsUserId, CancellationToken cancellationToken) =>
        RunAsync(database => database.ScriptEvaluateAsync(LinkScript,
            [Forward(organization, platform), Reverse(organization, platform), Platforms(organization)],
            [platformUserId, teamsUserId.ToLowerInvariant(), platform.Id]));

    public async Task<bool> UnlinkAsync(OrganizationId organization, Platform platform, string platformUserId, CancellationToken cancellationToken) =>
        (int)await RunAsync(database => database.ScriptEvaluateAsync(UnlinkScript,
            [Forward(organization, platform), Reverse(organization, platform)], [platformUserId])).ConfigureAwait(false) == 1;

    public async Task<string?> FindTeamsUserAsync(OrganizationId organization, Platform platform, string platformUserId, CancellationToken cancellationToken)
    {
        var value = await RunAsync(database => database.HashGetAsync(Forward(organization, platform), platformUserId)).ConfigureAwait(false);
        return value.IsNull ? null : value.ToString();
    }

    public async Task<IReadOnlyList<string?>> FindPlatformUsersAsync(
        OrganizationId organization, Platform platform, IReadOnlyList<string> teamsUserIds, CancellationToken cancellationToken)
    {
        if (teamsUserIds.Count == 0)
        {
            return [];
        }

        var values = await RunAsync(database => database.HashGetAsync(Reverse(organization, platform),
            teamsUserIds.Select(id => (RedisValue)id.ToLowerInvariant()).ToArray())).ConfigureAwait(false);
        return values.Select(v => v.IsNull ? null : v.ToString()).ToList();
    }

    public async Task<int> UnlinkTeamsUserAsync(OrganizationId organization, string teamsUserId, CancellationToken cancellationToken)
    {
        var platforms = await RunAsync(database => database.SetMembersAsync(Platforms(organization))).ConfigureAwait(false);
        var removed = 0;
        foreach (var platform in platforms.Select(p => Platform.TryParse(p.ToString(), out var parsed) ? parsed : default).Where(p => p != default))
        {
            removed += (int)await RunAsync(database => database.ScriptEvaluateAsync(UnlinkTeamsScript,
                [Forward(organization, platform), Reverse(organization, platform)], [teamsUserId.ToLowerInvariant()])).ConfigureAwait(false);
        }

        return removed;
    }

    private RedisKey Platforms(OrganizationId organization) => $"{_prefix}:{{{organization}}}:link-platforms";

    private RedisKey Forward(OrganizationId organization, Platform platform) => $"{_prefix}:{{{organization}}}:links:{platform.Id}";

    private RedisKey Reverse(OrganizationId organization, Platform platform) => $"{_prefix}:{{{organization}}}:links-rev:{platform.Id}";

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> action)
    {
        try
        {
            return await action(await connection.DatabaseAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }
}
