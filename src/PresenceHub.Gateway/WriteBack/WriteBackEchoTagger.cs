using PresenceHub.Presence;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// Marks Teams presence that our own session produced: when a user's Teams availability and activity are what our
/// active session (or the write in progress) sets, the update's <see cref="PresenceUpdate.Origin"/> becomes the
/// platform the session came from, so it is never sent back there. One batched store read per call and no Graph
/// call, so it may run on the webhook's path; reading the store each time means no staleness beyond that read.
/// </summary>
/// <remarks>
/// A user who in Teams sets exactly the state our session shows is indistinguishable from the echo, and is tagged too;
/// the platform already shows that state, so nothing is lost.
/// </remarks>
internal sealed class WriteBackEchoTagger(IWriteBackStore store, TimeProvider time)
{
    /// <summary>Replaces, in place, the Teams updates of <paramref name="updates"/> that are echoes of our session.</summary>
    /// <exception cref="State.StateUnavailableException">The store cannot be reached.</exception>
    public async Task TagAsync(List<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        var candidates = new List<int>();
        for (var i = 0; i < updates.Count; i++)
        {
            if (updates[i].Source == Platform.Teams && updates[i].Origin == Platform.Teams)
            {
                candidates.Add(i);
            }
        }

        if (candidates.Count == 0)
        {
            return;
        }

        var keys = candidates.Select(i => new WriteBackKey(updates[i].Organization, updates[i].UserId)).Distinct().ToList();
        var entries = await store.GetAsync(keys, cancellationToken).ConfigureAwait(false);
        var byKey = new Dictionary<WriteBackKey, WriteBackEntry>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (entries[i] is { } entry)
            {
                byKey[keys[i]] = entry;
            }
        }

        if (byKey.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var i in candidates)
        {
            var update = updates[i];
            if (byKey.GetValueOrDefault(new WriteBackKey(update.Organization, update.UserId))?.EchoOf(update.State, now) is { } origin &&
                Platform.TryParse(origin, out var platform))
            {
                updates[i] = update with { Origin = platform };
            }
        }
    }
}
