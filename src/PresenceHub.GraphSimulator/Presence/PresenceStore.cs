using System.Globalization;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Presence;

/// <summary>
/// Every user's presence: the state the user set in Teams, app sessions (setPresence), status message and
/// out-of-office. Aggregates them like Teams, fades Available sessions to AvailableIdle after 5 minutes, expires
/// sessions on the simulator clock and bumps a sortable sequence number on every change.
/// </summary>
internal sealed class PresenceStore(SimulatorClock clock, SimulatorScheduler scheduler)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private long _sequence;

    /// <summary>Raised (outside the lock) with the users whose reported presence changed in one operation.</summary>
    public event Action<IReadOnlyList<PresenceState>>? Changed;

    public PresenceState Get(string userId, string tenantId)
    {
        lock (_gate)
        {
            return GetOrCreate(userId, tenantId).Reported;
        }
    }

    /// <summary>The user changes presence in the Teams client.</summary>
    public void SetUserState(string userId, string tenantId, string availability, string activity) =>
        Mutate(userId, tenantId, e => e.UserState = (availability, activity));

    /// <summary>Several users change presence at once; their notifications leave in one batch per URL.</summary>
    public void SetUserStates(IEnumerable<(string UserId, string TenantId, string Availability, string Activity)> changes)
    {
        var changed = new List<PresenceState>();
        lock (_gate)
        {
            foreach (var (userId, tenantId, availability, activity) in changes)
            {
                if (MutateLocked(userId, tenantId, e => e.UserState = (availability, activity)) is { } state)
                {
                    changed.Add(state);
                }
            }
        }

        if (changed.Count > 0)
        {
            Changed?.Invoke(changed);
        }
    }

    public void SetSession(string userId, string tenantId, string sessionId, string availability, string activity, TimeSpan duration)
    {
        var now = clock.GetUtcNow();
        var session = new PresenceSession(sessionId, availability, activity, now, now + duration);
        Mutate(userId, tenantId, e => e.Sessions[sessionId] = session);
        scheduler.Schedule(session.ExpiresAt, () => Recompute(userId));
        if (availability == "Available")
        {
            scheduler.Schedule(now + PresenceRules.IdleAfter, () => Recompute(userId));
        }
    }

    public bool ClearSession(string userId, string tenantId, string sessionId)
    {
        var removed = false;
        Mutate(userId, tenantId, e => removed = e.Sessions.Remove(sessionId));
        return removed;
    }

    public void SetStatusMessage(string userId, string tenantId, StatusMessage? message)
    {
        Mutate(userId, tenantId, e => e.Message = message);
        if (message?.Expiry is { } expiry)
        {
            scheduler.Schedule(expiry, () => Recompute(userId));
        }
    }

    public void SetOutOfOffice(string userId, string tenantId, bool isOutOfOffice, string? message) =>
        Mutate(userId, tenantId, e => e.OutOfOffice = (isOutOfOffice, message));

    public void Recompute(string userId)
    {
        string? tenantId;
        lock (_gate)
        {
            tenantId = _entries.GetValueOrDefault(userId)?.TenantId;
        }

        if (tenantId is not null)
        {
            Mutate(userId, tenantId, _ => { });
        }
    }

    private void Mutate(string userId, string tenantId, Action<Entry> change)
    {
        PresenceState? changed;
        lock (_gate)
        {
            changed = MutateLocked(userId, tenantId, change);
        }

        if (changed is not null)
        {
            Changed?.Invoke([changed]);
        }
    }

    private PresenceState? MutateLocked(string userId, string tenantId, Action<Entry> change)
    {
        var entry = GetOrCreate(userId, tenantId);
        change(entry);
        var next = Aggregate(entry, entry.Reported.SequenceNumber);
        if (next == entry.Reported)
        {
            return null;
        }

        entry.Reported = next with { SequenceNumber = NextSequence() };
        return entry.Reported;
    }

    private Entry GetOrCreate(string userId, string tenantId)
    {
        if (!_entries.TryGetValue(userId, out var entry))
        {
            entry = new Entry(userId, tenantId);
            entry.Reported = Aggregate(entry, NextSequence());
            _entries[userId] = entry;
        }

        return entry;
    }

    private PresenceState Aggregate(Entry entry, string sequence)
    {
        var now = clock.GetUtcNow();
        foreach (var expired in entry.Sessions.Values.Where(s => s.ExpiresAt <= now).ToList())
        {
            entry.Sessions.Remove(expired.SessionId);
        }

        var best = entry.UserState;
        foreach (var session in entry.Sessions.Values.OrderBy(s => s.SetAt))
        {
            var state = (session.Availability, session.Activity);
            if (session.Availability == "Available" && now - session.SetAt >= PresenceRules.IdleAfter)
            {
                state = ("AvailableIdle", "Available");
            }

            if (PresenceRules.Rank(state.Availability) > PresenceRules.Rank(best.Availability))
            {
                best = state;
            }
        }

        var message = entry.Message is { Expiry: { } expiry } && expiry <= now ? null : entry.Message;
        return new PresenceState(entry.UserId, entry.TenantId, best.Availability, best.Activity, message, entry.OutOfOffice.IsOutOfOffice, entry.OutOfOffice.Message, sequence);
    }

    // Fixed-width uppercase hex of a global counter: lexicographic order is change order.
    private string NextSequence() => (++_sequence).ToString("X16", CultureInfo.InvariantCulture);

    private sealed class Entry(string userId, string tenantId)
    {
        public string UserId { get; } = userId;

        public string TenantId { get; } = tenantId;

        public (string Availability, string Activity) UserState { get; set; } = ("Offline", "Offline");

        public Dictionary<string, PresenceSession> Sessions { get; } = new(StringComparer.OrdinalIgnoreCase);

        public StatusMessage? Message { get; set; }

        public (bool IsOutOfOffice, string? Message) OutOfOffice { get; set; }

        public PresenceState Reported { get; set; } = null!;
    }
}
