using Microsoft.Extensions.Options;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// Files connectors' presence as write-back work: each update is merged into its user's stored session (newest
/// version per platform wins; see <see cref="WriteBackEntry"/> for the rule between platforms) with a compare-and-set,
/// so it is durable in the store when <see cref="SubmitAsync"/> returns; then this replica's worker is woken.
/// Updates from Teams itself, or whose presence came from Teams first, are never written back. Users who leave
/// federation have their session ended (<see cref="EndSessionAsync"/>).
/// </summary>
internal sealed class PresenceWriteBack(
    IWriteBackStore store,
    PresenceWriteBackWorker worker,
    IOptions<WriteBackOptions> options,
    TimeProvider time,
    ILogger<PresenceWriteBack> logger) : IPresenceWriteBack
{
    private const int MaxAttempts = 32;

    public async Task SubmitAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var foreign = updates.Where(u => u.Source != Platform.Teams && !u.IsEchoFor(Platform.Teams)).ToList();
        var users = foreign.Where(u => Guid.TryParse(u.UserId, out _))
            .GroupBy(u => new WriteBackKey(u.Organization, Guid.Parse(u.UserId).ToString("D")))
            .ToList();
        if (users.Sum(g => g.Count()) is var valid && valid < foreign.Count)
        {
            WriteBackLog.NotAnObjectId(logger, foreign.Count - valid);
        }

        if (users.Count == 0)
        {
            return;
        }

        await Task.WhenAll(users.Select(g => SubmitUserAsync(g.Key, [.. g.OrderBy(u => u.Version)], cancellationToken))).ConfigureAwait(false);
        worker.Wake();
    }

    public async Task<bool> EndSessionAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (!Guid.TryParse(userId, out var id))
        {
            // Entries are kept only for Entra object ids (see SubmitAsync).
            return false;
        }

        var key = new WriteBackKey(organization, id.ToString("D"));
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = (await store.GetAsync([key], cancellationToken).ConfigureAwait(false))[0];
            if (current is null)
            {
                return false;
            }

            if (current.IsLeaving)
            {
                worker.Wake();
                return true;
            }

            var now = time.GetUtcNow();
            if (!current.MayHoldSession(now))
            {
                // Nothing of ours can be in Teams: the entry goes now.
                if (await store.TryReplaceAsync(key, current.Revision, null, null, cancellationToken).ConfigureAwait(false))
                {
                    WriteBackLog.Ended(logger, key.UserId, organization.ToString(), "no-session");
                    return true;
                }

                continue;
            }

            var leaving = current.Leaving(now, options.Value);
            if (await store.TryReplaceAsync(key, current.Revision, leaving, leaving.DueAt(now, options.Value), cancellationToken).ConfigureAwait(false))
            {
                WriteBackLog.Leaving(logger, key.UserId, organization.ToString());
                worker.Wake();
                return true;
            }
        }

        throw new InvalidOperationException($"The write-back session of user {key.UserId} changed {MaxAttempts} times while being ended; try again.");
    }

    private async Task SubmitUserAsync(WriteBackKey key, IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = (await store.GetAsync([key], cancellationToken).ConfigureAwait(false))[0];
            var now = time.GetUtcNow();
            var next = current ?? new WriteBackEntry();
            var changed = false;
            foreach (var update in updates)
            {
                if (next.Accept(update, now) is { } accepted)
                {
                    (next, changed) = (accepted, true);
                }
            }

            if (!changed)
            {
                return;
            }

            if (await store.TryReplaceAsync(key, current?.Revision ?? 0, next, next.DueAt(now, options.Value), cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The write-back session of user {key.UserId} changed {MaxAttempts} times while being updated; submit again.");
    }
}
