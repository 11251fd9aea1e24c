using PresenceHub.Presence;
using StackExchange.Redis;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// One sharded pub/sub subscription per organization with local readers; a message on it wakes all of them. The
/// publish script sends the message after the events are written.
/// </summary>
internal sealed class RedisRelayWakeups(RedisRelayConnection connection, RedisRelayKeys keys)
{
    private readonly Dictionary<OrganizationId, Registration> _registrations = [];
    private readonly Lock _gate = new();

    public async Task AddAsync(OrganizationId organization, FeedSignal signal)
    {
        Registration registration;
        bool first;
        lock (_gate)
        {
            first = !_registrations.TryGetValue(organization, out registration!);
            if (first)
            {
                registration = new Registration();
                _registrations.Add(organization, registration);
            }

            registration.Add(signal);
        }

        if (first)
        {
            var subscriber = await connection.SubscriberAsync().ConfigureAwait(false);
            registration.Subscription = subscriber.SubscribeAsync(keys.Wake(organization), (_, _) => registration.WakeAll());
        }

        await registration.Subscription!.ConfigureAwait(false);
    }

    public async Task RemoveAsync(OrganizationId organization, FeedSignal signal)
    {
        Registration? emptied = null;
        lock (_gate)
        {
            if (_registrations.TryGetValue(organization, out var registration) && registration.Remove(signal) == 0)
            {
                _registrations.Remove(organization);
                emptied = registration;
            }
        }

        if (emptied is not null)
        {
            var subscriber = await connection.SubscriberAsync().ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(keys.Wake(organization), null, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
    }

    private sealed class Registration
    {
        private readonly HashSet<FeedSignal> _signals = [];

        public Task? Subscription { get; set; }

        public void Add(FeedSignal signal)
        {
            lock (_signals)
            {
                _signals.Add(signal);
            }
        }

        public int Remove(FeedSignal signal)
        {
            lock (_signals)
            {
                _signals.Remove(signal);
                return _signals.Count;
            }
        }

        public void WakeAll()
        {
            lock (_signals)
            {
                foreach (var signal in _signals)
                {
                    signal.Set();
                }
            }
        }
    }
}
