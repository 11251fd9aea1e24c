using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>One gateway replica's view of Redis: its own relay connection, and the stores and lease built on it.</summary>
internal sealed class RedisStoreReplica : IAsyncDisposable
{
    /// <summary>The key ring every replica of a test shares, as replicas share theirs through Redis.</summary>
    private static readonly IDataProtectionProvider SharedKeyRing = new EphemeralDataProtectionProvider();

    public RedisStoreReplica(string redisConfiguration, string keyPrefix, TimeProvider? time = null, TimeSpan? operationTimeout = null)
    {
        var options = Options.Create(new StateOptions
        {
            Mode = StateMode.Redis,
            Redis = redisConfiguration,
            KeyPrefix = keyPrefix,
            OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(5),
        });
        Connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        Subscriptions = new RedisGraphSubscriptionStore(Connection, options, time ?? TimeProvider.System, SharedKeyRing);
        Consents = new RedisConsentStore(Connection, options);
        Lease = new RedisKeeperLease(Connection, options, NullLogger<RedisKeeperLease>.Instance);
    }

    public RedisConnection Connection { get; }

    public RedisGraphSubscriptionStore Subscriptions { get; }

    public RedisConsentStore Consents { get; }

    public RedisKeeperLease Lease { get; }

    public async ValueTask DisposeAsync()
    {
        await Lease.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
