using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// Subscription records in Redis, shared by every gateway replica, on the relay's connection and key prefix:
/// <list type="bullet">
/// <item><c>{prefix}:{tenant}:graph:subscriptions</c> hash: subscription id (lowercase) → JSON record; the tenant is the hash tag;</item>
/// <item><c>{prefix}:subscription:{id}</c> string: the tenant of a subscription id, so a notification (which names only
/// the subscription) finds its record on Redis Cluster, where a single key per id lives in its own slot.</item>
/// </list>
/// A record's <c>clientState</c>, the secret every notification must present, is sealed with the state's Data
/// Protection key ring (<c>sealedClientState</c>); a record written before sealing (<c>clientState</c> in clear) is
/// still read, and sealed when next saved.
/// <see cref="FindAsync"/> runs on the webhook's path, so found records are kept in process for
/// <see cref="CacheLifetime"/>: a deletion by another replica is seen within that time. Misses always go to Redis,
/// so a subscription saved by the keeper on another replica is found at once.
/// </summary>
internal sealed class RedisGraphSubscriptionStore : IGraphSubscriptionStore
{
    /// <summary>How long a found record is served from process memory.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Above this many cached records, expired ones are swept out on the next insert.</summary>
    private const int CacheSweepThreshold = 4096;

    private const string DeleteIndexIfOrganization = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly IDataProtector _clientStates;
    private readonly ConcurrentDictionary<string, CachedRecord> _cache = new(StringComparer.Ordinal);

    public RedisGraphSubscriptionStore(
        RedisConnection connection, IOptions<StateOptions> options, TimeProvider time, IDataProtectionProvider protection)
    {
        _connection = connection;
        _time = time;
        _prefix = options.Value.KeyPrefix;
        _clientStates = protection.CreateProtector("PresenceHub.GraphSubscriptions.ClientState");
    }

    public ValueTask<GraphSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var id = subscriptionId.ToLowerInvariant();
        if (_cache.TryGetValue(id, out var cached) && cached.ExpiresAt > _time.GetUtcNow())
        {
            return ValueTask.FromResult<GraphSubscription?>(cached.Subscription);
        }

        return LoadAsync(id, cancellationToken);
    }

    public async Task<IReadOnlyList<GraphSubscription>> ListAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var entries = await database.HashGetAllAsync(Records(organization)).ConfigureAwait(false);
            return entries.Select(e => Decode(e.Value!)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task SaveAsync(GraphSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        var id = subscription.Id.ToLowerInvariant();
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            // Record first, index second: on Cluster they live on different nodes, and an index must never name a
            // record that is not there yet.
            await database.HashSetAsync(Records(subscription.Organization), id, Encode(subscription)).ConfigureAwait(false);
            await database.StringSetAsync(Index(id), subscription.Organization.ToString()).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }

        Remember(id, subscription);
    }

    public async Task DeleteAsync(OrganizationId organization, string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        cancellationToken.ThrowIfCancellationRequested();
        var id = subscriptionId.ToLowerInvariant();
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            await database.HashDeleteAsync(Records(organization), id).ConfigureAwait(false);
            // Another organization's subscription of the same id keeps its index entry.
            await database.ScriptEvaluateAsync(DeleteIndexIfOrganization, [Index(id)], [organization.ToString()]).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }

        if (_cache.TryGetValue(id, out var cached) && cached.Subscription.Organization == organization)
        {
            _cache.TryRemove(KeyValuePair.Create(id, cached));
        }
    }

    private async ValueTask<GraphSubscription?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        GraphSubscription? subscription = null;
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var tenant = await database.StringGetAsync(Index(id)).ConfigureAwait(false);
            if (OrganizationId.TryParse(tenant, out var organization))
            {
                var record = await database.HashGetAsync(Records(organization), id).ConfigureAwait(false);
                subscription = record.IsNull ? null : Decode(record!);
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }

        if (subscription is null)
        {
            _cache.TryRemove(id, out _);
            return null;
        }

        Remember(id, subscription);
        return subscription;
    }

    private void Remember(string id, GraphSubscription subscription)
    {
        var now = _time.GetUtcNow();
        if (_cache.Count >= CacheSweepThreshold)
        {
            foreach (var (key, entry) in _cache)
            {
                if (entry.ExpiresAt <= now)
                {
                    _cache.TryRemove(KeyValuePair.Create(key, entry));
                }
            }
        }

        _cache[id] = new CachedRecord(subscription, now + CacheLifetime);
    }

    private RedisKey Records(OrganizationId organization) => $"{_prefix}:{{{organization}}}:graph:subscriptions";

    private RedisKey Index(string id) => $"{_prefix}:subscription:{id}";

    private string Encode(GraphSubscription subscription) => JsonSerializer.Serialize(
        new StoredSubscription(
            subscription.Id, subscription.Organization.TenantId, subscription.Kind, subscription.Resource, null,
            _clientStates.Protect(subscription.ClientState), subscription.OwnerUserId, [.. subscription.UserIds], subscription.ExpiresAt),
        Json);

    private GraphSubscription Decode(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredSubscription>(json, Json)
            ?? throw new FormatException("A stored subscription record is empty.");
        return new GraphSubscription(
            stored.Id, new OrganizationId(stored.Organization), stored.Kind, stored.Resource, Unseal(stored),
            stored.OwnerUserId, stored.UserIds, stored.ExpiresAt);
    }

    private string Unseal(StoredSubscription stored)
    {
        if (stored.SealedClientState is null)
        {
            return stored.ClientState ?? throw new FormatException($"Stored subscription {stored.Id} has no clientState.");
        }

        try
        {
            return _clientStates.Unprotect(stored.SealedClientState);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                $"Stored subscription {stored.Id}'s clientState cannot be unsealed: no certificate of DataProtection:Certificates opens the key that sealed it.", ex);
        }
    }

    private readonly record struct CachedRecord(GraphSubscription Subscription, DateTimeOffset ExpiresAt);

    private sealed record StoredSubscription(
        string Id,
        Guid Organization,
        GraphSubscriptionKind Kind,
        string Resource,
        string? ClientState,
        string? SealedClientState,
        string? OwnerUserId,
        string[] UserIds,
        DateTimeOffset ExpiresAt);
}
