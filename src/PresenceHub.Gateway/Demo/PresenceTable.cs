using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// The demo's live table: one row per user, written by the refresh loop (Teams and hub columns) and by the console
/// connector (received column) on its own task, read by the views.
/// </summary>
internal sealed class PresenceTable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<PresenceRow> _rows;
    private readonly Dictionary<string, int> _index;
    private long _received;

    public PresenceTable(IReadOnlyList<DemoUser> users, TimeProvider time)
    {
        _time = time;
        _rows = users.Select(u => new PresenceRow(u, null, null, null, null, 0)).ToList();
        _index = users.Select((u, i) => (u.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Presence events the connector received, for every user.</summary>
    public long ReceivedEvents => Interlocked.Read(ref _received);

    /// <summary>A consistent copy of every row, in user order.</summary>
    public IReadOnlyList<PresenceRow> Rows
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows];
            }
        }
    }

    /// <summary>Records what Teams reports for the user now.</summary>
    public void SetTeams(string userId, PresenceState state) => Change(userId, row => row with { Teams = state });

    /// <summary>Records the relay's last-known presence; returns the row when it is a newer version than the one shown.</summary>
    public PresenceRow? SetHub(string userId, PresenceUpdate? update)
    {
        if (update is null)
        {
            return null;
        }

        return Change(userId, row => update.Supersedes(row.Hub) ? row with { Hub = update, ChangedAt = _time.GetUtcNow() } : null);
    }

    /// <summary>Records a presence event the connector received; returns the row, or null for a user not in the table.</summary>
    public PresenceRow? Receive(string userId, PresenceUpdate update)
    {
        var row = Change(userId, row => row with { Received = update, ChangedAt = _time.GetUtcNow(), ReceivedCount = row.ReceivedCount + 1 });
        if (row is not null)
        {
            Interlocked.Increment(ref _received);
        }

        return row;
    }

    private PresenceRow? Change(string userId, Func<PresenceRow, PresenceRow?> change)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(userId, out var i) || change(_rows[i]) is not { } changed)
            {
                return null;
            }

            _rows[i] = changed;
            return changed;
        }
    }
}
