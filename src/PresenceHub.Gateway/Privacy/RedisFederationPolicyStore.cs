using System.Text.Json;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Federation policies in Redis, shared by every gateway replica, on the relay's connection and key prefix:
/// <c>{prefix}:{tenant}:federation-policy</c> string, JSON <c>{"platforms":[...]|null,"domains":[...]|null}</c>;
/// absent for an organization that allows everything.
/// </summary>
internal sealed class RedisFederationPolicyStore(RedisConnection connection, IOptions<StateOptions> options) : IFederationPolicyStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _prefix = options.Value.KeyPrefix;

    public async Task<FederationPolicy> GetAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var value = await RunAsync(database => database.StringGetAsync(Key(organization))).ConfigureAwait(false);
        if (value.IsNull)
        {
            return FederationPolicy.Open;
        }

        var stored = JsonSerializer.Deserialize<StoredPolicy>(value.ToString(), Json) ?? throw new FormatException("A stored federation policy is empty.");
        return new FederationPolicy(stored.Platforms, stored.Domains);
    }

    public async Task SetAsync(OrganizationId organization, FederationPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        cancellationToken.ThrowIfCancellationRequested();
        if (policy.Platforms is null && policy.Domains is null)
        {
            await RunAsync(database => database.KeyDeleteAsync(Key(organization))).ConfigureAwait(false);
            return;
        }

        var json = JsonSerializer.Serialize(new StoredPolicy(policy.Platforms?.ToArray(), policy.Domains?.ToArray()), Json);
        await RunAsync(database => database.StringSetAsync(Key(organization), json)).ConfigureAwait(false);
    }

    private RedisKey Key(OrganizationId organization) => $"{_prefix}:{{{organization}}}:federation-policy";

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

    private sealed record StoredPolicy(string[]? Platforms, string[]? Domains);
}
