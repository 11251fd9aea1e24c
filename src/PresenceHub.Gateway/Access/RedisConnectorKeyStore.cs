using System.Text.Json;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Connector keys in Redis, shared by every replica, on the relay's connection and key prefix:
/// <c>{prefix}:connector-key:{id}</c> string (JSON record with the secret's hash) and
/// <c>{prefix}:{tenant}:connector-keys</c> set of the organization's key ids.
/// </summary>
internal sealed class RedisConnectorKeyStore(RedisConnection connection, IOptions<StateOptions> options) : IConnectorKeyStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _prefix = options.Value.KeyPrefix;

    public async Task AddAsync(ConnectorKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await RunAsync(async database =>
        {
            await database.StringSetAsync(Key(key.Id), JsonSerializer.Serialize(Stored.From(key), Json)).ConfigureAwait(false);
            await database.SetAddAsync(OrganizationKeys(key.Organization), key.Id).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public Task<ConnectorKeyRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(async database =>
        {
            var value = await database.StringGetAsync(Key(id)).ConfigureAwait(false);
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Stored>(value.ToString(), Json)!.ToRecord();
        });

    public Task<IReadOnlyList<ConnectorKeyRecord>> ListAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<ConnectorKeyRecord>>(async database =>
        {
            var ids = await database.SetMembersAsync(OrganizationKeys(organization)).ConfigureAwait(false);
            if (ids.Length == 0)
            {
                return [];
            }

            var values = await database.StringGetAsync(ids.Select(id => Key(id.ToString())).ToArray()).ConfigureAwait(false);
            return values.Where(v => !v.IsNullOrEmpty)
                .Select(v => JsonSerializer.Deserialize<Stored>(v.ToString(), Json)!.ToRecord())
                .Where(k => k.Organization == organization)
                .OrderBy(k => k.CreatedAt)
                .ToList();
        });

    public Task<bool> RevokeAsync(OrganizationId organization, string id, CancellationToken cancellationToken) =>
        RunAsync(async database =>
        {
            var existing = await FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.Organization != organization)
            {
                return false;
            }

            await database.KeyDeleteAsync(Key(id)).ConfigureAwait(false);
            await database.SetRemoveAsync(OrganizationKeys(organization), id).ConfigureAwait(false);
            return true;
        });

    private RedisKey Key(string id) => $"{_prefix}:connector-key:{id}";

    private RedisKey OrganizationKeys(OrganizationId organization) => $"{_prefix}:{{{organization}}}:connector-keys";

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

    private sealed record Stored(string Id, Guid Organization, string Name, string? Platform, string SecretHash, DateTimeOffset CreatedAt)
    {
        public static Stored From(ConnectorKeyRecord key) =>
            new(key.Id, key.Organization.TenantId, key.Name, key.Platform, Convert.ToBase64String(key.SecretHash), key.CreatedAt);

        public ConnectorKeyRecord ToRecord() =>
            new(Id, new OrganizationId(Organization), Name, Platform, Convert.FromBase64String(SecretHash), CreatedAt);
    }
}
