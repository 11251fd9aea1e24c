using System.Text.Json;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Consents in Redis, shared by every gateway replica, on the relay's connection and key prefix:
/// <list type="bullet">
/// <item><c>{prefix}:{tenant}:consents</c> hash: user id (lowercase) → JSON consent; the tenant is the hash tag;</item>
/// <item><c>{prefix}:consent-organizations</c> set of tenant ids that have had a consent.</item>
/// </list>
/// An organization stays in the set when its last consent goes (removing it could race a new grant on another
/// replica); <see cref="OrganizationsAsync"/> lists only those whose hash still exists.
/// </summary>
internal sealed class RedisConsentStore : IConsentStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisConnection _connection;
    private readonly string _prefix;

    public RedisConsentStore(RedisConnection connection, IOptions<StateOptions> options)
    {
        _connection = connection;
        _prefix = options.Value.KeyPrefix;
    }

    public async Task GrantAsync(Consent consent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consent);
        cancellationToken.ThrowIfCancellationRequested();
        var stored = new StoredConsent(consent.Organization.TenantId, consent.UserId, consent.Source, consent.GrantedAt, consent.OwnerSessionKey);
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            await database.HashSetAsync(Consents(consent.Organization), consent.UserId.ToLowerInvariant(), JsonSerializer.Serialize(stored, Json))
                .ConfigureAwait(false);
            await database.SetAddAsync(Organizations, consent.Organization.ToString()).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task RevokeAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            await database.HashDeleteAsync(Consents(organization), userId.ToLowerInvariant()).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<IReadOnlyList<Consent>> ListAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var entries = await database.HashGetAllAsync(Consents(organization)).ConfigureAwait(false);
            return entries.Select(e => Decode(e.Value!)).OrderBy(c => c.UserId, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<IReadOnlyList<OrganizationId>> OrganizationsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var organizations = (await database.SetMembersAsync(Organizations).ConfigureAwait(false))
                .Select(m => OrganizationId.TryParse(m, out var organization) ? organization : default)
                .Where(o => o != default)
                .ToList();
            // One EXISTS per organization, pipelined: each hash lives in its own slot on Cluster.
            var exists = await Task.WhenAll(organizations.Select(o => database.KeyExistsAsync(Consents(o)))).ConfigureAwait(false);
            return organizations.Where((_, i) => exists[i]).ToList();
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<IReadOnlyList<bool>> AreConsentingAsync(
        OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (userIds.Count == 0)
        {
            return [];
        }

        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var fields = userIds.Select(id => (RedisValue)id.ToLowerInvariant()).ToArray();
            var values = await database.HashGetAsync(Consents(organization), fields).ConfigureAwait(false);
            return values.Select(v => !v.IsNull).ToList();
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private RedisKey Organizations => $"{_prefix}:consent-organizations";

    private RedisKey Consents(OrganizationId organization) => $"{_prefix}:{{{organization}}}:consents";

    private static Consent Decode(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredConsent>(json, Json) ?? throw new FormatException("A stored consent is empty.");
        return new Consent(new OrganizationId(stored.Organization), stored.UserId, stored.Source, stored.GrantedAt, stored.OwnerSessionKey);
    }

    private sealed record StoredConsent(Guid Organization, string UserId, ConsentSource Source, DateTimeOffset GrantedAt, string? OwnerSessionKey);
}
