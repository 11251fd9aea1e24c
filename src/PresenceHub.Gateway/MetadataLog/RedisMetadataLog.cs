using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.MetadataLog;

/// <summary>
/// The metadata log in Redis, on the relay's connection and key prefix: one stream per organization,
/// <c>{prefix}:{tenant}:metalog</c>, entries with fields t (Unix ms), s, r, k (type) and x (session). Every append
/// is one script: its XADDs, with ids from the entries' times, and a trim of entries older than the retention (XTRIM MINID).
/// </summary>
internal sealed class RedisMetadataLog(
    RedisConnection connection, IOptions<StateOptions> state, IOptions<MetadataLogOptions> options, TimeProvider time,
    ILogger<RedisMetadataLog> logger) : IMetadataLog
{
    private const int Page = 1000;
    private const int AppendChunk = 500;

    /// <summary>
    /// Appends entries (ARGV: the trim's MINID, then t, s, r, k, x per entry) in one round trip. Each entry's id
    /// carries its time (<c>{ms}-*</c>), so retention trims by the gateway's clock; when another writer already added a
    /// later id, Redis picks the id (<c>*</c>) and the entry keeps its time in t. Then entries past the retention go.
    /// </summary>
    private const string Append = """
        for i = 2, #ARGV, 5 do
          local added = redis.pcall('XADD', KEYS[1], ARGV[i] .. '-*', 't', ARGV[i], 's', ARGV[i + 1], 'r', ARGV[i + 2], 'k', ARGV[i + 3], 'x', ARGV[i + 4])
          if type(added) == 'table' and added.err then
            redis.call('XADD', KEYS[1], '*', 't', ARGV[i], 's', ARGV[i + 1], 'r', ARGV[i + 2], 'k', ARGV[i + 3], 'x', ARGV[i + 4])
          end
        end
        redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
        return 0
        """;
    private readonly string _prefix = state.Value.KeyPrefix;

    public async ValueTask AppendAsync(OrganizationId organization, IReadOnlyList<MetadataLogEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            var key = Key(organization);
            var oldest = (time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
            foreach (var chunk in entries.Chunk(AppendChunk))
            {
                var values = new RedisValue[1 + (chunk.Length * 5)];
                values[0] = oldest;
                for (var i = 0; i < chunk.Length; i++)
                {
                    var e = chunk[i];
                    values[1 + (i * 5)] = e.Time.ToUnixTimeMilliseconds();
                    values[2 + (i * 5)] = e.Sender;
                    values[3 + (i * 5)] = e.Receiver;
                    values[4 + (i * 5)] = (int)e.Type;
                    values[5 + (i * 5)] = e.SessionId;
                }

                await database.ScriptEvaluateAsync(Append, [key], values).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            MetadataLogLog.AppendFailed(logger, entries.Count, organization.ToString());
        }
    }

    public async Task<IReadOnlyList<MetadataLogEntry>> QueryAsync(
        OrganizationId organization, string? userId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var found = new List<MetadataLogEntry>();
        await ScanAsync(organization, (_, entry) =>
        {
            if (entry.Time >= from && entry.Time <= to && (userId is null || entry.Concerns(userId)))
            {
                found.Add(entry);
            }

            return found.Count < limit;
        }, cancellationToken).ConfigureAwait(false);
        return found;
    }

    public async Task<int> EraseUserAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        var ids = new List<RedisValue>();
        await ScanAsync(organization, (id, entry) =>
        {
            if (entry.Concerns(userId))
            {
                ids.Add(id);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            foreach (var chunk in ids.Chunk(Page))
            {
                await database.StreamDeleteAsync(Key(organization), chunk).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }

        return ids.Count;
    }

    /// <summary>Reads the log newest first, page by page, until <paramref name="visit"/> returns false or MaxScan entries were read.</summary>
    private async Task ScanAsync(OrganizationId organization, Func<RedisValue, MetadataLogEntry, bool> visit, CancellationToken cancellationToken)
    {
        try
        {
            var database = await connection.DatabaseAsync().ConfigureAwait(false);
            RedisValue upper = "+";
            var scanned = 0;
            while (scanned < options.Value.MaxScan)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await database.StreamRangeAsync(Key(organization), "-", upper, Page, Order.Descending).ConfigureAwait(false);
                foreach (var item in page)
                {
                    scanned++;
                    if (Decode(item) is { } entry && !visit(item.Id, entry))
                    {
                        return;
                    }
                }

                if (page.Length < Page)
                {
                    return;
                }

                upper = "(" + page[^1].Id;
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private static MetadataLogEntry? Decode(StreamEntry item)
    {
        var t = item["t"];
        var k = item["k"];
        if (!t.TryParse(out long milliseconds) || !k.TryParse(out int type) || !Enum.IsDefined((MessageType)type))
        {
            return null;
        }

        return new MetadataLogEntry(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), item["s"].ToString(), item["r"].ToString(),
            (MessageType)type, item["x"].ToString());
    }

    private RedisKey Key(OrganizationId organization) => $"{_prefix}:{{{organization}}}:metalog";
}
