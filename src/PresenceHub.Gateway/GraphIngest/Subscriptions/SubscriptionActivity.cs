using System.Collections.Concurrent;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// What this replica's keeper did to each subscription recently: its last renewal and its last few lifecycle events,
/// for the admin console. In memory and best effort: a restarted replica starts empty.
/// </summary>
internal sealed class SubscriptionActivity
{
    /// <summary>Lifecycle events kept per subscription.</summary>
    public const int MaxEvents = 10;

    /// <summary>Subscriptions tracked; the oldest entries are dropped beyond this.</summary>
    public const int MaxSubscriptions = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The subscription was renewed at <paramref name="at"/>.</summary>
    public void Renewed(string subscriptionId, DateTimeOffset at) =>
        Update(subscriptionId, e => e with { LastRenewal = at });

    /// <summary>Graph sent a lifecycle event (e.g. <c>reauthorizationRequired</c>) for the subscription.</summary>
    public void LifecycleEvent(string subscriptionId, string type, DateTimeOffset at) =>
        Update(subscriptionId, e => e with { Events = [.. e.Events.TakeLast(MaxEvents - 1), new SubscriptionLifecycleEvent(type, at)] });

    /// <summary>The subscription's last renewal (null when none was seen) and its recent lifecycle events, oldest first.</summary>
    public (DateTimeOffset? LastRenewal, IReadOnlyList<SubscriptionLifecycleEvent> Events) Of(string subscriptionId) =>
        _entries.TryGetValue(subscriptionId, out var entry) ? (entry.LastRenewal, entry.Events) : (null, []);

    private void Update(string subscriptionId, Func<Entry, Entry> change)
    {
        if (_entries.Count >= MaxSubscriptions && !_entries.ContainsKey(subscriptionId))
        {
            // Subscriptions come and go; a bound keeps a long-running replica's memory flat.
            _entries.Clear();
        }

        _entries.AddOrUpdate(subscriptionId, _ => change(new Entry(null, [])), (_, old) => change(old));
    }

    private sealed record Entry(DateTimeOffset? LastRenewal, IReadOnlyList<SubscriptionLifecycleEvent> Events);
}
