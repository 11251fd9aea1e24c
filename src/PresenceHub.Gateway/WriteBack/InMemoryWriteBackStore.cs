namespace PresenceHub.Gateway.WriteBack;

/// <summary>Write-back sessions of a single gateway process; nothing survives a restart.</summary>
internal sealed class InMemoryWriteBackStore : IWriteBackStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<WriteBackKey, WriteBackEntry> _entries = [];
    private readonly Dictionary<WriteBackKey, DateTimeOffset> _due = [];

    public Task<IReadOnlyList<WriteBackEntry?>> GetAsync(IReadOnlyList<WriteBackKey> keys, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WriteBackEntry?>>([.. keys.Select(k => _entries.GetValueOrDefault(k))]);
        }
    }

    public Task<bool> TryReplaceAsync(
        WriteBackKey key, long expectedRevision, WriteBackEntry? next, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if ((_entries.GetValueOrDefault(key)?.Revision ?? 0) != expectedRevision)
            {
                return Task.FromResult(false);
            }

            if (next is null)
            {
                _entries.Remove(key);
            }
            else
            {
                _entries[key] = next with { Revision = expectedRevision + 1 };
            }

            if (dueAt is { } due)
            {
                _due[key] = due;
            }
            else
            {
                _due.Remove(key);
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<WriteBackKey>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WriteBackKey>>(
                [.. _due.Where(d => d.Value <= now).OrderBy(d => d.Value).Take(max).Select(d => d.Key)]);
        }
    }
}
