using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// One sharded pub/sub subscription per organization with local readers; a message on it wakes all of them. The
/// publish script sends the message after the events are written.
/// </summary>
internal sealed class RedisRelayWakeups(RedisConnection connection, RedisRelayKeys keys)
{
    private readonly Dictionary<OrganizationId, Registration> _registrations = [];
    private readonly Lock _gate = new();

    public async Task AddAsync(OrganizationId organization, FeedSignal signal)
    {
        Registration registration;
        lock (_gate)
        {
            if (!_registrations.TryGetValue(organization, out registration!))
            {
                // The subscription task is set before anyone else can see the registration: a second feed of the same
                // organization opening meanwhile awaits the same subscription instead of finding none.
                registration = new Registration();
                registration.Subscription = SubscribeAsync(organization, registration);
                _registrations.Add(organization, registration);
            }

            registration.Add(signal);
        }

        try
        {
            await registration.Subscription!.ConfigureAwait(false);
        }
        catch
        {
            // A failed subscription is not kept: the next feed to open subscribes again.
            lock (_gate)
            {
                registration.Remove(signal);
                if (_registrations.TryGetValue(organization, out var current) && current == registration)
                {
                    _registrations.Remove(organization);
                }
            }

            throw;
        }
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

    private async Task SubscribeAsync(OrganizationId organization, Registration registration)
    {
        var subscriber = await connection.SubscriberAsync().ConfigureAwait(false);
        await subscriber.SubscribeAsync(keys.Wake(organization), (_, _) => registration.WakeAll()).ConfigureAwait(false);
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
