using System.Collections.Concurrent;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Subscriptions;

/// <summary>All subscriptions; expired ones count as gone.</summary>
internal sealed class SubscriptionStore(SimulatorClock clock)
{
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.OrdinalIgnoreCase);

    public void Add(Subscription subscription) => _subscriptions[subscription.Id] = subscription;

    public Subscription? FindLive(string id)
    {
        var s = _subscriptions.GetValueOrDefault(id);
        return s is not null && s.IsLive(clock.GetUtcNow()) ? s : null;
    }

    public IReadOnlyList<Subscription> Live()
    {
        var now = clock.GetUtcNow();
        foreach (var gone in _subscriptions.Values.Where(s => !s.IsLive(now)).ToList())
        {
            _subscriptions.TryRemove(gone.Id, out _);
        }

        return _subscriptions.Values.Where(s => s.IsLive(now)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Sets a live subscription's expiry to the present moment, so it is expired from now on.</summary>
    public bool ExpireNow(string id)
    {
        if (FindLive(id) is not { } s)
        {
            return false;
        }

        s.Expiration = clock.GetUtcNow();
        return true;
    }

    public bool Delete(string id)
    {
        if (_subscriptions.TryRemove(id, out var s))
        {
            s.Deleted = true;
            return true;
        }

        return false;
    }
}
