using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.MetadataLog;

/// <summary>The metadata log in this process (the embedded default): a bounded list per organization, trimmed by age.</summary>
internal sealed class InMemoryMetadataLog(IOptions<MetadataLogOptions> options, TimeProvider time) : IMetadataLog
{
    private readonly ConcurrentDictionary<OrganizationId, LinkedList<MetadataLogEntry>> _logs = new();

    public ValueTask AppendAsync(OrganizationId organization, IReadOnlyList<MetadataLogEntry> entries, CancellationToken cancellationToken)
    {
        var log = _logs.GetOrAdd(organization, _ => new LinkedList<MetadataLogEntry>());
        var oldest = time.GetUtcNow() - options.Value.Retention;
        lock (log)
        {
            foreach (var entry in entries)
            {
                log.AddLast(entry);
            }

            while (log.First is { } first && (log.Count > options.Value.InMemoryCapacity || first.Value.Time < oldest))
            {
                log.RemoveFirst();
            }
        }

        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<MetadataLogEntry>> QueryAsync(
        OrganizationId organization, string? userId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        if (!_logs.TryGetValue(organization, out var log))
        {
            return Task.FromResult<IReadOnlyList<MetadataLogEntry>>([]);
        }

        lock (log)
        {
            return Task.FromResult<IReadOnlyList<MetadataLogEntry>>(log.Reverse()
                .Where(e => e.Time >= from && e.Time <= to && (userId is null || e.Concerns(userId)))
                .Take(limit)
                .ToList());
        }
    }

    public Task<int> EraseUserAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        if (!_logs.TryGetValue(organization, out var log))
        {
            return Task.FromResult(0);
        }

        var erased = 0;
        lock (log)
        {
            for (var node = log.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Concerns(userId))
                {
                    log.Remove(node);
                    erased++;
                }

                node = next;
            }
        }

        return Task.FromResult(erased);
    }
}
