using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The relay inside one gateway process, for the demo and a single replica. Same semantics as
/// <see cref="RedisPresenceRelay"/> (the contract tests run against both); nothing survives a restart.
/// </summary>
internal sealed class InMemoryPresenceRelay : IPresenceRelay
{
    private readonly ConcurrentDictionary<OrganizationId, Organization> _organizations = new();
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly RelayTelemetry _telemetry;
    private readonly ILogger _logger;

    public InMemoryPresenceRelay(IOptions<RelayOptions> options, TimeProvider time, RelayTelemetry telemetry, ILogger<InMemoryPresenceRelay> logger)
    {
        _options = options.Value;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
    }

    public Task<IReadOnlyList<PublishOutcome>> PublishAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var (traceParent, traceState) = RelayTelemetry.CurrentTraceContext();
        var outcomes = new PublishOutcome[updates.Count];
        var touched = new HashSet<Organization>();
        var now = _time.GetUtcNow();
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i] ?? throw new ArgumentException("A batch holds no null updates.", nameof(updates));
            var organization = Get(update.Organization);
            lock (organization.Gate)
            {
                var subject = PresenceSubject.Of(update);
                organization.LastKnown.TryGetValue(subject, out var current);
                if (current is not null && update.Version == current.Version)
                {
                    outcomes[i] = update.State == current.State ? PublishOutcome.Duplicate : PublishOutcome.Conflict;
                    continue;
                }

                if (!update.Supersedes(current))
                {
                    // A correction took this version's place: the source's own update with other content conflicts.
                    outcomes[i] = current!.Version.IsSuccessorOf(update.Version) && update.State != current.State
                        ? PublishOutcome.Conflict
                        : PublishOutcome.Stale;
                    continue;
                }

                organization.LastKnown[subject] = update;
                organization.Append(new Entry(organization.LastSeq + 1, RelayEventKind.Presence, update, traceParent, traceState, now), _options, now);
                outcomes[i] = PublishOutcome.Accepted;
                touched.Add(organization);
            }
        }

        foreach (var organization in touched)
        {
            organization.Wake();
        }

        _telemetry.RecordOutcomes(outcomes);
        _telemetry.PublishDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Task.FromResult<IReadOnlyList<PublishOutcome>>(outcomes);
    }

    public Task PublishProfilesAsync(OrganizationId organization, IReadOnlyList<UserProfileRecord> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        cancellationToken.ThrowIfCancellationRequested();
        if (profiles.Any(p => p is null))
        {
            throw new ArgumentException("A batch holds no null profiles.", nameof(profiles));
        }

        Append(organization, profiles.Select(p => (RelayEventKind.Profile, (object)p)).ToList(), static (_, _) => { });
        return Task.CompletedTask;
    }

    public Task WithdrawAsync(OrganizationId organization, IReadOnlyList<UserWithdrawal> users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        cancellationToken.ThrowIfCancellationRequested();
        if (users.Any(u => u is null))
        {
            throw new ArgumentException("A batch holds no null withdrawals.", nameof(users));
        }

        Append(organization, users.Select(u => (RelayEventKind.Withdrawn, (object)u)).ToList(), static (org, entries) =>
        {
            var withdrawn = entries.Select(e => ((UserWithdrawal)e.Payload).UserId).ToHashSet(StringComparer.Ordinal);
            foreach (var subject in org.LastKnown.Keys.Where(s => withdrawn.Contains(s.UserId)).ToList())
            {
                org.LastKnown.Remove(subject);
            }
        });
        return Task.CompletedTask;
    }

    public Task<RelayErasure> ForgetAsync(OrganizationId organization, string userId, string? through, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_organizations.TryGetValue(organization, out var org))
        {
            return Task.FromResult(default(RelayErasure));
        }

        lock (org.Gate)
        {
            if (through is null)
            {
                foreach (var subject in org.LastKnown.Keys.Where(s => string.Equals(s.UserId, userId, StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    org.LastKnown.Remove(subject);
                }
            }

            var last = through is null ? org.LastSeq : long.Parse(through, CultureInfo.InvariantCulture);
            return Task.FromResult(org.Erase(userId, last));
        }
    }

    public Task<IReadOnlyList<PresenceUpdate?>> GetLastKnownAsync(
        OrganizationId organization, IReadOnlyList<PresenceSubject> subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var result = new PresenceUpdate?[subjects.Count];
        if (_organizations.TryGetValue(organization, out var org))
        {
            lock (org.Gate)
            {
                for (var i = 0; i < subjects.Count; i++)
                {
                    result[i] = org.LastKnown.GetValueOrDefault(subjects[i]);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<PresenceUpdate?>>(result);
    }

    public Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, CancellationToken cancellationToken) =>
        OpenFeedAsync(connector, consumer, null, cancellationToken);

    public Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, string? resumeCursor, CancellationToken cancellationToken)
    {
        if (connector.ConnectorId is null)
        {
            throw new ArgumentException("The connector feed id is not initialized.", nameof(connector));
        }

        if (!ConnectorFeedId.IsValidName(consumer))
        {
            throw new ArgumentException("A consumer name is 1 to 64 letters, digits, '-', '_' or '.'.", nameof(consumer));
        }

        var organization = Get(connector.Organization);
        FeedStart start;
        lock (organization.Gate)
        {
            if (!organization.Groups.TryGetValue(connector.ConnectorId, out var group))
            {
                group = new Group { LastDelivered = organization.LastSeq };
                organization.Groups.Add(connector.ConnectorId, group);
                if (organization.LastKnown.Count > 0)
                {
                    group.Snapshot = new Snapshot(NewMark(), Format(group.LastDelivered), [.. organization.LastKnown.Keys]);
                }

                start = resumeCursor is null ? FeedStart.Fresh : FeedStart.Snapshot;
            }
            else
            {
                start = Resume(organization, group, resumeCursor);
            }

            if (start == FeedStart.Snapshot && group.Snapshot is null)
            {
                Coalesce(organization, group, connector, "resume-cursor");
            }
        }

        RelayLog.FeedOpened(_logger, connector.ConnectorId, connector.Organization.ToString(), consumer);
        return Task.FromResult<IRelayFeed>(new Feed(this, organization, connector, consumer, start));
    }

    /// <summary>
    /// Where an existing group resumes: after a cursor it was delivered and still holds (acknowledging what the cursor
    /// covers), after its last acknowledgement when no cursor is given, or from a new snapshot.
    /// </summary>
    private static FeedStart Resume(Organization organization, Group group, string? resumeCursor)
    {
        if (resumeCursor is null)
        {
            return group.Acknowledged ? FeedStart.Resumed : FeedStart.Fresh;
        }

        long covered;
        if (resumeCursor.Length == SeqWidth && long.TryParse(resumeCursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) &&
            seq <= group.LastDelivered && seq >= organization.FirstSeq - 1)
        {
            covered = seq;
        }
        else if (SnapshotCursor.TryParse(resumeCursor, out var page) && (page.Mark == group.Snapshot?.Mark || page.Mark == group.CompletedSnapshot) &&
                 long.TryParse(page.At, NumberStyles.None, CultureInfo.InvariantCulture, out var at) && at <= group.LastDelivered)
        {
            // Inside the snapshot being delivered (it goes on from its first unacknowledged page), or the last one completed.
            covered = at;
        }
        else
        {
            group.Snapshot = null;
            return FeedStart.Snapshot;
        }

        foreach (var handled in group.Pending.Keys.TakeWhile(k => k <= covered).ToList())
        {
            group.Pending.Remove(handled);
        }

        group.Acknowledged = true;
        return FeedStart.Resumed;
    }

    /// <summary>Skips a group's backlog and starts it on a snapshot of every last-known presence.</summary>
    private void Coalesce(Organization organization, Group group, ConnectorFeedId connector, string reason)
    {
        group.LastDelivered = organization.LastSeq;
        group.Pending.Clear();
        group.Snapshot = new Snapshot(NewMark(), Format(group.LastDelivered), [.. organization.LastKnown.Keys]);
        _telemetry.Coalesced.Add(1);
        RelayLog.Coalesced(_logger, connector.ConnectorId, connector.Organization.ToString(), reason);
    }

    /// <summary>Width of an event id: the sequence number, zero-padded so ids compare ordinally in stream order.</summary>
    private const int SeqWidth = 19;

    private static string Format(long seq) => seq.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Applies a change to an organization's state and appends its events, atomically for readers.</summary>
    private void Append(
        OrganizationId id, List<(RelayEventKind Kind, object Payload)> entries, Action<Organization, List<(RelayEventKind Kind, object Payload)>> apply)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var (traceParent, traceState) = RelayTelemetry.CurrentTraceContext();
        var now = _time.GetUtcNow();
        var organization = Get(id);
        lock (organization.Gate)
        {
            apply(organization, entries);
            foreach (var (kind, payload) in entries)
            {
                organization.Append(new Entry(organization.LastSeq + 1, kind, payload, traceParent, traceState, now), _options, now);
            }
        }

        organization.Wake();
    }

    /// <summary>The kind of an entry whose user was forgotten; readers skip kinds they do not know.</summary>
    private static readonly RelayEventKind Erased = RelayEventKind.FromToken("erased");

    private static readonly object ErasedPayload = new();

    internal static string NewMark() => Guid.NewGuid().ToString("N")[..12];

    private Organization Get(OrganizationId id) => _organizations.GetOrAdd(id, static _ => new Organization());

    /// <summary>One event: its payload is a <see cref="PresenceUpdate"/>, <see cref="UserProfileRecord"/> or <see cref="UserWithdrawal"/> by kind.</summary>
    private sealed record Entry(long Seq, RelayEventKind Kind, object Payload, string? TraceParent, string? TraceState, DateTimeOffset At);

    private sealed record Pending(string Consumer, DateTimeOffset DeliveredAt);

    private sealed class Snapshot(string mark, string at, PresenceSubject[] subjects)
    {
        public string Mark { get; } = mark;

        /// <summary>The group's last delivered id when the snapshot was taken.</summary>
        public string At { get; } = at;

        public PresenceSubject[] Subjects { get; } = subjects;

        public int Cursor { get; set; }
    }

    private sealed class Group
    {
        public long LastDelivered { get; set; }

        public SortedDictionary<long, Pending> Pending { get; } = [];

        public Snapshot? Snapshot { get; set; }

        /// <summary>The mark of the last snapshot the connector acknowledged whole; null before the first.</summary>
        public string? CompletedSnapshot { get; set; }

        /// <summary>Whether the connector has acknowledged anything yet.</summary>
        public bool Acknowledged { get; set; }
    }

    private sealed class Organization
    {
        private readonly List<Entry> _entries = [];
        private readonly HashSet<FeedSignal> _signals = [];

        public Lock Gate { get; } = new();

        public Dictionary<PresenceSubject, PresenceUpdate> LastKnown { get; } = [];

        public Dictionary<string, Group> Groups { get; } = new(StringComparer.Ordinal);

        public long LastSeq { get; private set; }

        /// <summary>The oldest seq still held; LastSeq + 1 when none.</summary>
        public long FirstSeq => _entries.Count > 0 ? _entries[0].Seq : LastSeq + 1;

        public void Append(Entry entry, RelayOptions options, DateTimeOffset now)
        {
            _entries.Add(entry);
            LastSeq = entry.Seq;

            // Trim in chunks, like Redis' approximate MAXLEN, so trimming stays amortized O(1).
            var excess = _entries.Count - options.RetentionMaxLength;
            if (excess > Math.Max(1, options.RetentionMaxLength / 10))
            {
                _entries.RemoveRange(0, excess);
            }

            if (options.RetentionMaxAge is { } age)
            {
                var old = 0;
                while (old < _entries.Count && _entries[old].At < now - age)
                {
                    old++;
                }

                _entries.RemoveRange(0, old);
            }
        }

        /// <summary>
        /// Replaces the entries mentioning a user that every group has acknowledged by payload-less ones (positions
        /// stay, as <see cref="Find"/> indexes by sequence); counts those still awaited.
        /// </summary>
        public RelayErasure Erase(string userId, long through)
        {
            var (erased, remaining) = (0, 0);
            for (var i = 0; i < _entries.Count; i++)
            {
                var entry = _entries[i];
                if (entry.Seq > through)
                {
                    break;
                }

                var mentioned = entry.Payload switch
                {
                    PresenceUpdate update => string.Equals(update.UserId, userId, StringComparison.OrdinalIgnoreCase),
                    UserProfileRecord profile => string.Equals(profile.UserId, userId, StringComparison.OrdinalIgnoreCase),
                    UserWithdrawal withdrawal => string.Equals(withdrawal.UserId, userId, StringComparison.OrdinalIgnoreCase),
                    _ => false,
                };
                if (!mentioned)
                {
                    continue;
                }

                if (Groups.Values.All(g => entry.Seq <= g.LastDelivered && (g.Pending.Count == 0 || entry.Seq < g.Pending.Keys.First())))
                {
                    _entries[i] = entry with { Kind = Erased, Payload = ErasedPayload };
                    erased++;
                }
                else
                {
                    remaining++;
                }
            }

            return new RelayErasure(erased, remaining, through.ToString(CultureInfo.InvariantCulture));
        }

        public Entry? Find(long seq) => seq >= FirstSeq && seq <= LastSeq ? _entries[(int)(seq - FirstSeq)] : null;

        public void Add(FeedSignal signal)
        {
            lock (_signals)
            {
                _signals.Add(signal);
            }
        }

        public void Remove(FeedSignal signal)
        {
            lock (_signals)
            {
                _signals.Remove(signal);
            }
        }

        public void Wake()
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

    private sealed class Feed : IRelayFeed
    {
        private readonly InMemoryPresenceRelay _relay;
        private readonly Organization _organization;
        private readonly string _consumer;
        private readonly FeedSignal _signal;
        private long? _ownPendingAfter = 0;
        private DateTimeOffset _nextReclaim;
        private string? _snapshotMark;
        private int _snapshotCursor;
        private bool _snapshotDone;
        private readonly PageAcknowledgements _pages = new();

        public Feed(InMemoryPresenceRelay relay, Organization organization, ConnectorFeedId connector, string consumer, FeedStart start)
        {
            Start = start;
            _relay = relay;
            _organization = organization;
            Connector = connector;
            _consumer = consumer;
            _signal = new FeedSignal(relay._time);
            organization.Add(_signal);
        }

        public ConnectorFeedId Connector { get; }

        public FeedStart Start { get; }

        private RelayOptions Options => _relay._options;

        private TimeSpan ReclaimInterval => Options.ReclaimIdle / 2;

        public async ValueTask<IReadOnlyList<RelayEvent>> ReadAsync(int maxCount, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 1000);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var events = ReadOnce(maxCount);
                if (events.Count > 0)
                {
                    _relay._telemetry.Delivered.Add(events.Count);
                    return events;
                }

                var untilReclaim = _nextReclaim - _relay._time.GetUtcNow();
                var wait = untilReclaim < Options.FallbackPoll ? untilReclaim : Options.FallbackPoll;
                if (wait > TimeSpan.Zero)
                {
                    await _signal.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public ValueTask AcknowledgeAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(eventIds);
            var acknowledged = 0;
            lock (_organization.Gate)
            {
                var group = _organization.Groups[Connector.ConnectorId];
                group.Acknowledged |= eventIds.Count > 0;
                foreach (var id in eventIds)
                {
                    // Stream events (plain sequence numbers) first: they are nearly every acknowledgement.
                    if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                    {
                        acknowledged += group.Pending.Remove(seq) ? 1 : 0;
                    }
                    else if (SnapshotCursor.TryParse(id, out var page))
                    {
                        if (_pages.Complete(page) && group.Snapshot is { } snapshot && snapshot.Mark == page.Mark &&
                            snapshot.Cursor.ToString(CultureInfo.InvariantCulture) == page.Cursor)
                        {
                            AdvanceSnapshot(group, page.Next);
                        }

                        acknowledged++;
                    }
                }
            }

            _relay._telemetry.Acknowledged.Add(acknowledged);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _organization.Remove(_signal);
            _signal.Dispose();
            return ValueTask.CompletedTask;
        }

        private List<RelayEvent> ReadOnce(int maxCount)
        {
            var events = new List<RelayEvent>();
            var now = _relay._time.GetUtcNow();
            lock (_organization.Gate)
            {
                var group = _organization.Groups[Connector.ConnectorId];
                var trimmed = false;

                // This instance's own unacknowledged events, from a previous session under the same name.
                if (_ownPendingAfter is { } after)
                {
                    foreach (var (seq, pending) in group.Pending.Where(p => p.Key > after && p.Value.Consumer == _consumer).Take(maxCount).ToList())
                    {
                        _ownPendingAfter = seq;
                        trimmed |= !Deliver(group, seq, now, events);
                    }

                    if (events.Count == 0 && !trimmed)
                    {
                        _ownPendingAfter = null;
                    }
                }

                if (events.Count == 0 && now >= _nextReclaim)
                {
                    var idle = group.Pending
                        .Where(p => p.Value.Consumer != _consumer && now - p.Value.DeliveredAt >= Options.ReclaimIdle)
                        .Take(maxCount).Select(p => p.Key).ToList();
                    foreach (var seq in idle)
                    {
                        trimmed |= !Deliver(group, seq, now, events);
                    }

                    if (events.Count > 0)
                    {
                        _relay._telemetry.Reclaimed.Add(events.Count);
                        RelayLog.Reclaimed(_relay._logger, _consumer, events.Count, Connector.ConnectorId);
                    }

                    if (idle.Count < maxCount)
                    {
                        _nextReclaim = now + ReclaimInterval;
                    }
                }

                if (trimmed)
                {
                    _relay.Coalesce(_organization, group, Connector, "trimmed-pending");
                }

                if (events.Count > 0)
                {
                    return events;
                }

                if (_organization.LastSeq - group.LastDelivered > Options.LagBound)
                {
                    _relay.Coalesce(_organization, group, Connector, "lag");
                }
                else if (group.LastDelivered < _organization.FirstSeq - 1)
                {
                    _relay.Coalesce(_organization, group, Connector, "trimmed");
                }

                if (group.Snapshot is not null && SnapshotPage(group, maxCount, events))
                {
                    return events;
                }

                for (var seq = group.LastDelivered + 1; seq <= _organization.LastSeq && events.Count < maxCount; seq++)
                {
                    group.Pending[seq] = new Pending(_consumer, now);
                    group.LastDelivered = seq;
                    Deliver(group, seq, now, events);
                }
            }

            return events;
        }

        /// <summary>Hands a pending entry to this consumer; false when retention already dropped it.</summary>
        private bool Deliver(Group group, long seq, DateTimeOffset now, List<RelayEvent> events)
        {
            if (_organization.Find(seq) is not { } entry)
            {
                group.Pending.Remove(seq);
                return false;
            }

            group.Pending[seq] = new Pending(_consumer, now);
            events.Add(new RelayEvent(
                InMemoryPresenceRelay.Format(seq), entry.Kind, Connector.Organization,
                entry.Payload as PresenceUpdate, entry.TraceParent, entry.TraceState,
                Profile: entry.Payload as UserProfileRecord, Withdrawal: entry.Payload as UserWithdrawal));
            return true;
        }

        /// <summary>Delivers the next snapshot page; false when this feed has delivered all of it.</summary>
        private bool SnapshotPage(Group group, int maxCount, List<RelayEvent> events)
        {
            var snapshot = group.Snapshot!;
            if (_snapshotMark != snapshot.Mark)
            {
                _snapshotMark = snapshot.Mark;
                _snapshotCursor = snapshot.Cursor;
                _snapshotDone = false;
            }

            while (!_snapshotDone && events.Count == 0)
            {
                var cursor = _snapshotCursor;
                var end = Math.Min(snapshot.Subjects.Length, cursor + maxCount);
                var next = end >= snapshot.Subjects.Length ? 0 : end;
                var updates = snapshot.Subjects[cursor..end]
                    .Select(s => _organization.LastKnown.GetValueOrDefault(s)).OfType<PresenceUpdate>().ToList();
                for (var i = 0; i < updates.Count; i++)
                {
                    var id = new SnapshotCursor(snapshot.At, cursor, i, snapshot.Mark, Format(cursor), Format(next), updates.Count);
                    events.Add(new RelayEvent(id.ToString(), RelayEventKind.Presence, Connector.Organization, updates[i], null, null, IsSnapshot: true));
                }

                if (updates.Count == 0 && snapshot.Cursor == cursor)
                {
                    AdvanceSnapshot(group, Format(next));
                }

                _snapshotCursor = next;
                _snapshotDone = next == 0;
            }

            return events.Count > 0;
        }

        private static void AdvanceSnapshot(Group group, string next)
        {
            if (next == "0")
            {
                group.CompletedSnapshot = group.Snapshot!.Mark;
                group.Snapshot = null;
            }
            else
            {
                group.Snapshot!.Cursor = int.Parse(next, CultureInfo.InvariantCulture);
            }
        }

        private static string Format(int cursor) => cursor.ToString(CultureInfo.InvariantCulture);
    }
}
