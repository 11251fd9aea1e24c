using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Graph;

/// <summary>A per-key sliding-window request limit on the simulator clock (Graph's "N requests per T per app per tenant").</summary>
internal sealed class SlidingWindowThrottle(SimulatorClock clock, int limit, TimeSpan window)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _calls = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a call; returns null when allowed, else how long until the next call would be.</summary>
    public TimeSpan? TryAcquire(string key) => TryAcquire(key, out _);

    /// <summary>
    /// Records a call; returns null when allowed, else how long until the next call would be. <paramref name="inWindow"/>
    /// is how many of the key's calls the window holds afterwards (this one included when allowed).
    /// </summary>
    public TimeSpan? TryAcquire(string key, out int inWindow)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_calls.TryGetValue(key, out var calls))
            {
                calls = new Queue<DateTimeOffset>();
                _calls[key] = calls;
            }

            while (calls.Count > 0 && calls.Peek() <= now - window)
            {
                calls.Dequeue();
            }

            if (calls.Count >= limit)
            {
                inWindow = calls.Count;
                return calls.Peek() + window - now;
            }

            calls.Enqueue(now);
            inWindow = calls.Count;
            return null;
        }
    }
}
