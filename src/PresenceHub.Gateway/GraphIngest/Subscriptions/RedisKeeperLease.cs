using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// The keeper lease in Redis: key <c>{prefix}:keeper-lease</c> holds the random token of the replica that keeps,
/// with Redis's own expiry. A replica takes a free lease with SET NX PX and extends it only while the key still holds
/// its token (checked and extended in one script); disposing releases it the same way, so another replica need not
/// wait out the expiry. While Redis is unreachable nobody can know who holds it, so the answer is "not held".
/// </summary>
internal sealed class RedisKeeperLease : IKeeperLease, IAsyncDisposable
{
    private const string ExtendIfOwner = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    private const string ReleaseIfOwner = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly RedisConnection _connection;
    private readonly ILogger<RedisKeeperLease> _logger;
    private readonly RedisKey _key;
    private readonly string _token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private volatile bool _held;

    public RedisKeeperLease(RedisConnection connection, IOptions<StateOptions> options, ILogger<RedisKeeperLease> logger)
    {
        _connection = connection;
        _logger = logger;
        _key = $"{options.Value.KeyPrefix}:keeper-lease";
    }

    public async Task<bool> TryHoldAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.FromMilliseconds(1));
        cancellationToken.ThrowIfCancellationRequested();
        bool holds;
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var milliseconds = ((long)Math.Ceiling(duration.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            // Extending first also recovers a lease this replica still holds after it answered "not held" during an outage.
            holds = (long)await database.ScriptEvaluateAsync(ExtendIfOwner, [_key], [_token, milliseconds]).ConfigureAwait(false) == 1
                    || await database.StringSetAsync(_key, _token, duration, When.NotExists).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            if (_held)
            {
                GraphIngestLog.KeeperLeaseUnknown(_logger, e);
            }

            _held = false;
            return false;
        }

        if (holds != _held)
        {
            if (holds)
            {
                GraphIngestLog.KeeperLeaseTaken(_logger);
            }
            else
            {
                GraphIngestLog.KeeperLeaseLost(_logger);
            }
        }

        _held = holds;
        return holds;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_held)
        {
            return;
        }

        _held = false;
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            await database.ScriptEvaluateAsync(ReleaseIfOwner, [_key], [_token]).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e) || e is ObjectDisposedException)
        {
            // It expires by itself; another replica takes over then.
            GraphIngestLog.KeeperLeaseNotReleased(_logger, e);
        }
    }
}
