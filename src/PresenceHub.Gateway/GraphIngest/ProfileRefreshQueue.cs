using System.Collections.Concurrent;
using System.Threading.Channels;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Users whose profile the <see cref="ProfileRefresher"/> should fetch again: bounded, so a flood of notifications
/// cannot grow memory, and de-duplicating, so a user waiting already is fetched once. Only consenting users enter
/// from the webhook: we never fetch or store the profiles of others.
/// </summary>
internal sealed class ProfileRefreshQueue
{
    /// <summary>Most users waiting; beyond it refreshes are dropped and the next reconciliation repairs them.</summary>
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<(OrganizationId Organization, string UserId), bool> _pending = new();
    private readonly Channel<(OrganizationId Organization, string UserId)> _order =
        Channel.CreateBounded<(OrganizationId, string)>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly IConsentStore _consents;
    private readonly ILogger<ProfileRefreshQueue> _logger;

    public ProfileRefreshQueue(IConsentStore consents, ILogger<ProfileRefreshQueue> logger)
    {
        _consents = consents;
        _logger = logger;
    }

    /// <summary>
    /// Queues the changes of users who consented and drops the others. Reads consents, so it may throw
    /// <see cref="State.StateUnavailableException"/> when they live in an unreachable Redis.
    /// </summary>
    /// <returns>The changes admitted, those of consenting users; the others were dropped.</returns>
    public async Task<IReadOnlyList<(OrganizationId Organization, string UserId, bool Deleted)>> AdmitAsync(
        IReadOnlyList<(OrganizationId Organization, string UserId, bool Deleted)> changes, CancellationToken cancellationToken)
    {
        var admitted = new List<(OrganizationId Organization, string UserId, bool Deleted)>(changes.Count);
        var full = 0;
        foreach (var organization in changes.GroupBy(c => c.Organization))
        {
            // One lookup of just these users (a pipelined HMGET in Redis), not the organization's whole consent list.
            var ofOrganization = organization.ToList();
            var consenting = await _consents.AreConsentingAsync(organization.Key, [.. ofOrganization.Select(c => c.UserId)], cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < ofOrganization.Count; i++)
            {
                var change = ofOrganization[i];
                if (consenting[i])
                {
                    admitted.Add(change);
                    full += Enqueue(organization.Key, change.UserId, change.Deleted) ? 0 : 1;
                }
            }
        }

        if (full > 0)
        {
            GraphIngestLog.ProfileQueueFull(_logger, full);
        }

        return admitted;
    }

    /// <summary>Queues users the gateway already knows to be (or to have stopped being) consenting.</summary>
    public void Request(OrganizationId organization, IEnumerable<string> userIds)
    {
        var dropped = 0;
        foreach (var userId in userIds)
        {
            dropped += Enqueue(organization, userId, deleted: false) ? 0 : 1;
        }

        if (dropped > 0)
        {
            GraphIngestLog.ProfileQueueFull(_logger, dropped);
        }
    }

    /// <summary>Waits until a user is queued; false once the queue is completed.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _order.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes up to <paramref name="max"/> queued users, each with whether Graph said it was deleted.</summary>
    public List<(OrganizationId Organization, string UserId, bool Deleted)> Take(int max)
    {
        var taken = new List<(OrganizationId, string, bool)>();
        while (taken.Count < max && _order.Reader.TryRead(out var key))
        {
            if (_pending.TryRemove(key, out var deleted))
            {
                taken.Add((key.Organization, key.UserId, deleted));
            }
        }

        return taken;
    }

    private bool Enqueue(OrganizationId organization, string userId, bool deleted)
    {
        var key = (organization, userId.ToLowerInvariant());
        while (true)
        {
            if (_pending.TryGetValue(key, out var current))
            {
                // Already waiting: the latest change decides whether to fetch or to treat the user as deleted.
                if (current == deleted || _pending.TryUpdate(key, deleted, current))
                {
                    return true;
                }

                continue;
            }

            if (!_pending.TryAdd(key, deleted))
            {
                continue;
            }

            if (_order.Writer.TryWrite(key))
            {
                return true;
            }

            _pending.TryRemove(key, out _);
            return false;
        }
    }
}
