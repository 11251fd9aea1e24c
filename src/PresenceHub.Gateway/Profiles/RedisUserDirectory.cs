using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Profiles;

/// <summary>
/// Profiles in Redis, on the relay's connection and key prefix, every key of an organization hash-tagged by its
/// tenant so they share one cluster slot:
/// <list type="bullet">
/// <item><c>{prefix}:{tenant}:profile:{user}</c> hash: u (id), n (display name), m (mail), p (user principal name),
/// j (job title), e (account enabled, 1/0), x (the lowercased addresses it is indexed under, one a line);</item>
/// <item><c>{prefix}:{tenant}:addr:{address}</c> set of user ids whose mail or user principal name, lowercased, is the address.</item>
/// </list>
/// A profile and its index entries change together in one script, so an index never names a stale address.
/// </summary>
internal sealed class RedisUserDirectory : IUserDirectory
{
    // The address keys are derived inside the scripts from the profile's old addresses; they share the profile's
    // hash tag, so on a cluster they live in the script's slot.
    private const string Put = """
        local old = redis.call('HGET', KEYS[1], 'x')
        if old then
          for a in string.gmatch(old, '[^\n]+') do redis.call('SREM', ARGV[1] .. a, ARGV[2]) end
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], unpack(ARGV, 5))
        local ttl = tonumber(ARGV[4])
        if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
        for a in string.gmatch(ARGV[3], '[^\n]+') do
          redis.call('SADD', ARGV[1] .. a, ARGV[2])
          if ttl > 0 then redis.call('PEXPIRE', ARGV[1] .. a, ttl) end
        end
        return 1
        """;

    private const string Remove = """
        local old = redis.call('HGET', KEYS[1], 'x')
        if old then
          for a in string.gmatch(old, '[^\n]+') do redis.call('SREM', ARGV[1] .. a, ARGV[2]) end
        end
        return redis.call('DEL', KEYS[1])
        """;

    private readonly RedisConnection _connection;
    private readonly string _prefix;
    private readonly string _timeToLive;
    private readonly ConcurrentDictionary<OrganizationId, string> _tags = new();

    public RedisUserDirectory(RedisConnection connection, IOptions<StateOptions> options)
    {
        _connection = connection;
        _prefix = options.Value.KeyPrefix;
        _timeToLive = ((long)(options.Value.LastKnownTimeToLive?.TotalMilliseconds ?? 0)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task PutAsync(OrganizationId organization, UserProfileRecord profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentException.ThrowIfNullOrEmpty(profile.UserId);
        cancellationToken.ThrowIfCancellationRequested();
        var userId = UserDirectoryAddresses.NormalizeId(profile.UserId);
        var addresses = string.Join('\n', UserDirectoryAddresses.Of(profile));
        var values = new List<RedisValue> { AddressPrefix(organization), userId, addresses, _timeToLive, "u", profile.UserId, "e", profile.AccountEnabled ? "1" : "0", "x", addresses };
        Add(values, "n", profile.DisplayName);
        Add(values, "m", profile.Mail);
        Add(values, "p", profile.UserPrincipalName);
        Add(values, "j", profile.JobTitle);
        await RunAsync(db => db.ScriptEvaluateAsync(Put, [ProfileKey(organization, userId)], [.. values])).ConfigureAwait(false);

        static void Add(List<RedisValue> values, string field, string? value)
        {
            if (value is not null)
            {
                values.Add(field);
                values.Add(value);
            }
        }
    }

    public async Task<IReadOnlyList<UserProfileRecord?>> GetManyAsync(
        OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (userIds.Count == 0)
        {
            return [];
        }

        var entries = await RunAsync(db => Task.WhenAll(userIds.Select(
            u => db.HashGetAllAsync(ProfileKey(organization, UserDirectoryAddresses.NormalizeId(u)))))).ConfigureAwait(false);
        return entries.Select(Decode).ToArray();
    }

    public async Task<IReadOnlyList<UserProfileRecord>> FindByAddressAsync(
        OrganizationId organization, string mailOrUserPrincipalName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailOrUserPrincipalName);
        cancellationToken.ThrowIfCancellationRequested();
        var members = await RunAsync(db => db.SetMembersAsync(
            AddressPrefix(organization) + UserDirectoryAddresses.Normalize(mailOrUserPrincipalName))).ConfigureAwait(false);
        var ids = members.Select(m => (string)m!).Order(StringComparer.Ordinal).ToList();
        var profiles = await GetManyAsync(organization, ids, cancellationToken).ConfigureAwait(false);
        return profiles.OfType<UserProfileRecord>().ToList();
    }

    public async Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();
        var id = UserDirectoryAddresses.NormalizeId(userId);
        await RunAsync(db => db.ScriptEvaluateAsync(Remove, [ProfileKey(organization, id)], [AddressPrefix(organization), id])).ConfigureAwait(false);
    }

    private static UserProfileRecord? Decode(HashEntry[] fields)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        string? id = null, name = null, mail = null, upn = null, title = null;
        var enabled = true;
        foreach (var field in fields)
        {
            switch ((string?)field.Name)
            {
                case "u": id = field.Value; break;
                case "n": name = field.Value; break;
                case "m": mail = field.Value; break;
                case "p": upn = field.Value; break;
                case "j": title = field.Value; break;
                case "e": enabled = field.Value == "1"; break;
                default: break;
            }
        }

        return id is null ? null : new UserProfileRecord(id, name, mail, upn, title, enabled);
    }

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation)
    {
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            return await operation(database).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private string Tag(OrganizationId organization) =>
        _tags.GetOrAdd(organization, static (o, p) => $"{p}:{{{o}}}", _prefix);

    private RedisKey ProfileKey(OrganizationId organization, string userId) => Tag(organization) + ":profile:" + userId;

    private string AddressPrefix(OrganizationId organization) => Tag(organization) + ":addr:";
}
