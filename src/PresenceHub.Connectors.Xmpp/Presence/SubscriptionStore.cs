using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PresenceHub.Connectors.Xmpp.Presence;

/// <summary>
/// Which XMPP users are subscribed to which Teams contacts: the component's side of RFC 6121 rosters, which the XMPP
/// server does not keep for a component. Kept in memory and written through to <c>subscriptions.json</c> in the state
/// directory (atomically, by rename), so a restarted connector still knows whom to tell. Not thread-safe: the
/// <see cref="PresenceRouter"/> serializes access.
/// </summary>
internal sealed class SubscriptionStore
{
    private readonly string _path;
    private readonly Dictionary<string, (string TeamsUserId, SortedSet<string> Subscribers)> _contacts = new(StringComparer.Ordinal);

    public SubscriptionStore(IOptions<XmppConnectorOptions> options)
    {
        Directory.CreateDirectory(options.Value.StateDirectory);
        _path = Path.Combine(options.Value.StateDirectory, "subscriptions.json");
        if (File.Exists(_path))
        {
            using var file = File.OpenRead(_path);
            foreach (var entry in JsonSerializer.Deserialize<List<ContactSubscription>>(file) ?? [])
            {
                _contacts[entry.Contact] = (entry.TeamsUserId, new SortedSet<string>(entry.Subscribers, StringComparer.Ordinal));
            }
        }
    }

    public int Count => _contacts.Sum(c => c.Value.Subscribers.Count);

    public IReadOnlyList<ContactSubscription> All() =>
        _contacts.Select(c => new ContactSubscription(c.Key, c.Value.TeamsUserId, c.Value.Subscribers.ToList())).ToList();

    public IReadOnlyList<ContactSubscription> ForTeamsUser(string teamsUserId) =>
        All().Where(c => string.Equals(c.TeamsUserId, teamsUserId, StringComparison.Ordinal)).ToList();

    public bool IsSubscribed(string contact, string subscriber) =>
        _contacts.TryGetValue(contact, out var entry) && entry.Subscribers.Contains(subscriber);

    /// <summary>Adds a subscriber; returns false when it was there already.</summary>
    public async Task<bool> AddAsync(string contact, string teamsUserId, string subscriber, CancellationToken cancellationToken)
    {
        if (!_contacts.TryGetValue(contact, out var entry) || !string.Equals(entry.TeamsUserId, teamsUserId, StringComparison.Ordinal))
        {
            // The same address may now belong to another Teams user: the old subscribers agreed to the old one.
            entry = (teamsUserId, new SortedSet<string>(StringComparer.Ordinal));
            _contacts[contact] = entry;
        }

        if (!entry.Subscribers.Add(subscriber))
        {
            return false;
        }

        await SaveAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes a subscriber; returns false when it was not there.</summary>
    public async Task<bool> RemoveAsync(string contact, string subscriber, CancellationToken cancellationToken)
    {
        if (!_contacts.TryGetValue(contact, out var entry) || !entry.Subscribers.Remove(subscriber))
        {
            return false;
        }

        if (entry.Subscribers.Count == 0)
        {
            _contacts.Remove(contact);
        }

        await SaveAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes every subscription to a Teams user and returns what was removed.</summary>
    public async Task<IReadOnlyList<ContactSubscription>> RemoveTeamsUserAsync(string teamsUserId, CancellationToken cancellationToken)
    {
        var removed = ForTeamsUser(teamsUserId);
        foreach (var subscription in removed)
        {
            _contacts.Remove(subscription.Contact);
        }

        if (removed.Count > 0)
        {
            await SaveAsync(cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var temporary = _path + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, All(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, _path, overwrite: true);
    }
}
