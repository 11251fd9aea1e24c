using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// Write-back sessions in Redis, on the relay's connection and key prefix. An organization's keys carry its tenant id
/// as hash tag (one cluster slot), like the relay's:
/// <list type="bullet">
/// <item><c>{prefix}:{tenant}:wb:{user}</c> hash (r = revision, d = the entry as JSON);</item>
/// <item><c>{prefix}:{tenant}:wb-due</c> sorted set of users by when a worker should look at them (Unix ms);</item>
/// <item><c>{prefix}:wb-orgs</c> set of the organizations that have entries, so workers know where to look.</item>
/// </list>
/// A write checks the revision and updates the entry and its due time in one script.
/// </summary>
internal sealed class RedisWriteBackStore(RedisConnection connection, IOptions<StateOptions> options) : IWriteBackStore
{
    private const string ReplaceIfRevision = """
        local r = redis.call('HGET', KEYS[1], 'r')
        if (r or '0') ~= ARGV[1] then return 0 end
        if ARGV[3] == '' then redis.call('DEL', KEYS[1]) else redis.call('HSET', KEYS[1], 'r', ARGV[2], 'd', ARGV[3]) end
        if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[5]) else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5]) end
        return 1
        """;

    private readonly string _prefix = options.Value.KeyPrefix;
    private readonly ConcurrentDictionary<OrganizationId, string> _tags = new();

    public async Task<IReadOnlyList<WriteBackEntry?>> GetAsync(IReadOnlyList<WriteBackKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            var batch = database.CreateBatch();
            var reads = keys.Select(k => batch.HashGetAsync(Entry(k), "d")).ToList();
            batch.Execute();
            var values = await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
            return [.. values.Select(v => v.IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)v!, WriteBackJsonContext.Default.WriteBackEntry))];
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<bool> TryReplaceAsync(
        WriteBackKey key, long expectedRevision, WriteBackEntry? next, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var revision = expectedRevision + 1;
        var data = next is null ? "" : JsonSerializer.Serialize(next with { Revision = revision }, WriteBackJsonContext.Default.WriteBackEntry);
        var score = dueAt is { } due ? due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "";
        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            if (expectedRevision == 0 && next is not null)
            {
                // Before the entry exists, so a worker that lists organizations never misses it.
                await database.SetAddAsync(Organizations(), key.Organization.ToString()).ConfigureAwait(false);
            }

            var written = await database.ScriptEvaluateAsync(ReplaceIfRevision, [Entry(key), Due(key.Organization)],
                [expectedRevision.ToString(CultureInfo.InvariantCulture), revision.ToString(CultureInfo.InvariantCulture), data, score, key.UserId])
                .ConfigureAwait(false);
            return (long)written == 1;
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<IReadOnlyList<WriteBackKey>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            var organizations = (await database.SetMembersAsync(Organizations()).ConfigureAwait(false))
                .Select(o => OrganizationId.TryParse(o, out var id) ? id : (OrganizationId?)null)
                .OfType<OrganizationId>()
                .ToList();
            var batch = database.CreateBatch();
            var reads = organizations.Select(o => batch.SortedSetRangeByScoreAsync(
                Due(o), double.NegativeInfinity, now.ToUnixTimeMilliseconds(), take: max)).ToList();
            batch.Execute();
            var due = await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
            return [.. organizations.Zip(due).SelectMany(x => x.Second.Select(u => new WriteBackKey(x.First, u!))).Take(max)];
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private RedisKey Entry(WriteBackKey key) => Tag(key.Organization) + ":wb:" + key.UserId;

    private RedisKey Due(OrganizationId organization) => Tag(organization) + ":wb-due";

    private RedisKey Organizations() => _prefix + ":wb-orgs";

    private string Tag(OrganizationId organization) =>
        _tags.GetOrAdd(organization, static (o, p) => $"{p}:{{{o}}}", _prefix);
}
