namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// The table of write-back sessions, shared by every replica in Redis mode, with an index of when each needs a
/// worker next. Writes are compare-and-set on <see cref="WriteBackEntry.Revision"/>, so a submission, a worker's
/// claim and its result never overwrite one another unseen.
/// </summary>
internal interface IWriteBackStore
{
    /// <summary>The entries of <paramref name="keys"/> (null where there is none), read in one round trip.</summary>
    /// <exception cref="State.StateUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<WriteBackEntry?>> GetAsync(IReadOnlyList<WriteBackKey> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="next"/> (with the following revision) or, when it is null, deletes the entry, if the stored
    /// revision is still <paramref name="expectedRevision"/> (0: absent); and files the entry as due at
    /// <paramref name="dueAt"/> (null: not due). False when someone else wrote first.
    /// </summary>
    /// <exception cref="State.StateUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryReplaceAsync(WriteBackKey key, long expectedRevision, WriteBackEntry? next, DateTimeOffset? dueAt, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> entries due at or before <paramref name="now"/>, earliest first per organization.</summary>
    /// <exception cref="State.StateUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<WriteBackKey>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);
}
