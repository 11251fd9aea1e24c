using StackExchange.Redis;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>Scans every key of a Redis server and every value of every type for a string: where a user is still held.</summary>
internal static class RedisTrace
{
    /// <summary>The keys whose name or value (string, hash, set, sorted set, list or stream) contains <paramref name="needle"/>.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(string configuration, string keyPrefix, string needle)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var database = redis.GetDatabase();
        var found = new List<string>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: keyPrefix + "*", pageSize: 500))
            {
                if (key.ToString().Contains(needle, StringComparison.OrdinalIgnoreCase) || (await ValuesAsync(database, key)).Any(v => v.Contains(needle, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(key.ToString());
                }
            }
        }

        return found;
    }

    private static async Task<IEnumerable<string>> ValuesAsync(IDatabase database, RedisKey key) => await database.KeyTypeAsync(key) switch
    {
        RedisType.String => [(await database.StringGetAsync(key)).ToString()],
        RedisType.Hash => (await database.HashGetAllAsync(key)).SelectMany(e => new[] { e.Name.ToString(), e.Value.ToString() }),
        RedisType.Set => (await database.SetMembersAsync(key)).Select(v => v.ToString()),
        RedisType.SortedSet => (await database.SortedSetRangeByRankAsync(key)).Select(v => v.ToString()),
        RedisType.List => (await database.ListRangeAsync(key)).Select(v => v.ToString()),
        RedisType.Stream => (await database.StreamRangeAsync(key)).SelectMany(e => e.Values.SelectMany(v => new[] { v.Name.ToString(), v.Value.ToString() })),
        RedisType.None => [],
        var other => throw new InvalidOperationException($"Unexpected Redis type {other} of key {key}."),
    };
}
