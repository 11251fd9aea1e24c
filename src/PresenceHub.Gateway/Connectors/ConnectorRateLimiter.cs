using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// A token bucket per connector credential for publications: <see cref="ConnectorOptions.PublicationsPerSecond"/>
/// sustained, bursts up to two seconds' worth.
/// </summary>
internal sealed class ConnectorRateLimiter(IOptionsMonitor<ConnectorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public bool TryAcquire(string credentialId)
    {
        var rate = options.CurrentValue.PublicationsPerSecond;
        var bucket = _buckets.GetOrAdd(credentialId, _ => new Bucket(2.0 * rate, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(bucket.LastTimestamp, now);
            bucket.LastTimestamp = now;
            bucket.Tokens = Math.Min(2.0 * rate, bucket.Tokens + elapsed.TotalSeconds * rate);
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }

    private sealed class Bucket(double tokens, long lastTimestamp)
    {
        public double Tokens { get; set; } = tokens;

        public long LastTimestamp { get; set; } = lastTimestamp;
    }
}
