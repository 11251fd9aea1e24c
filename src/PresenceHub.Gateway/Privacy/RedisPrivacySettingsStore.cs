using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Privacy settings in Redis, shared by every gateway replica, on the relay's connection and key prefix:
/// <c>{prefix}:{tenant}:privacy</c> hash: user id (lowercase) → flags (<c>p</c> paused, <c>o</c> share out, <c>i</c>
/// show in, each <c>0</c>/<c>1</c>, e.g. <c>p1o1i1</c>). Only users with non-default settings have a field, so a batch
/// check is one HMGET and an organization where nobody changed anything has no key.
/// </summary>
internal sealed class RedisPrivacySettingsStore(RedisConnection connection, IOptions<StateOptions> options) : IPrivacySettingsStore
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public async Task<IReadOnlyList<PrivacySettings>> GetManyAsync(
        OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (userIds.Count == 0)
        {
            return [];
        }

        var values = await RunAsync(database => database.HashGetAsync(Key(organization),
            userIds.Select(id => (RedisValue)id.ToLowerInvariant()).ToArray())).ConfigureAwait(false);
        return values.Select(v => v.IsNull ? PrivacySettings.Default : Decode(v.ToString())).ToList();
    }

    public Task SetAsync(OrganizationId organization, string userId, PrivacySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        return settings.IsDefault
            ? RemoveAsync(organization, userId, cancellationToken)
            : RunAsync(database => database.HashSetAsync(Key(organization), userId.ToLowerInvariant(), Encode(settings)));
    }

    public Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(database => database.HashDeleteAsync(Key(organization), userId.ToLowerInvariant()));
    }

    private RedisKey Key(OrganizationId organization) => $"{_prefix}:{{{organization}}}:privacy";

    private static string Encode(PrivacySettings settings) =>
        $"p{(settings.Paused ? 1 : 0)}o{(settings.ShareOut ? 1 : 0)}i{(settings.ShowIn ? 1 : 0)}";

    private static PrivacySettings Decode(string value) =>
        value is ['p', var p, 'o', var o, 'i', var i]
            ? new PrivacySettings(p == '1', o == '1', i == '1')
            : throw new FormatException("A stored privacy setting is not in the form p?o?i?.");

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
