using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace PresenceHub.Gateway.GraphApi;

/// <summary>
/// The distributed cache behind the subscription owners' MSAL token cache in Redis mode: a <see cref="RedisCache"/>
/// on the relay's multiplexer. It exists only so the container never disposes that <see cref="RedisCache"/>, whose
/// Dispose closes the multiplexer its factory returned — the relay's, still in use by everything else.
/// </summary>
internal sealed class OwnerTokenRedisCache(RedisCache cache) : IDistributedCache
{
    public byte[]? Get(string key) => cache.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => cache.GetAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => cache.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        cache.SetAsync(key, value, options, token);

    public void Refresh(string key) => cache.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => cache.RefreshAsync(key, token);

    public void Remove(string key) => cache.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => cache.RemoveAsync(key, token);
}
