using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// One connector instance reading its connector's consumer group. A read tries, in order: events this instance left
/// unacknowledged in an earlier session, events idle on other instances (XAUTOCLAIM, every half reclaim time), the
/// connector's unfinished snapshot, then new events (XREADGROUP). With nothing to read it waits for the
/// organization's wake-up message, or the fallback poll.
/// </summary>
internal sealed class RedisRelayFeed : IRelayFeed
{
    private static readonly RedisValue FieldKind = "k";
    private static readonly RedisValue FieldData = "d";
    private static readonly RedisValue FieldTraceParent = "tp";
    private static readonly RedisValue FieldTraceState = "ts";
    private static readonly RedisValue PresenceKind = RelayEventKind.Presence.Token;

    private readonly RedisPresenceRelay _relay;
    private readonly IDatabase _database;
    private readonly string _consumer;
    private readonly FeedSignal _signal;
    private readonly RedisKey _stream;
    private readonly RedisKey _snapshot;
    private readonly Queue<RelayEvent> _buffer = new();
    private RedisValue? _ownPendingAfter = "0-0";
    private RedisValue _reclaimFrom = "0-0";
    private DateTimeOffset _nextReclaim;
    private DateTimeOffset _nextSnapshotCheck;
    private string? _snapshotMark;
    private string _snapshotCursor = "0";
    private string _snapshotAt = "0-0";
    private long _snapshotPage;
    private bool _snapshotDone = true;
    private bool _acknowledged;
    private readonly PageAcknowledgements _pages = new();

    public RedisRelayFeed(RedisPresenceRelay relay, IDatabase database, ConnectorFeedId connector, string consumer, FeedSignal signal, FeedStart start)
    {
        Start = start;
        _relay = relay;
        _database = database;
        Connector = connector;
        _consumer = consumer;
        _signal = signal;
        _stream = relay.Keys.Stream(connector.Organization);
        _snapshot = relay.Keys.Snapshot(connector);
    }

    public ConnectorFeedId Connector { get; }

    public FeedStart Start { get; }

    private RelayOptions Options => _relay.Options;

    private TimeSpan CheckInterval => Options.ReclaimIdle / 2;

    public async ValueTask<IReadOnlyList<RelayEvent>> ReadAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 1000);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<RelayEvent> events;
            try
            {
                events = await ReadOnceAsync(maxCount).ConfigureAwait(false);
            }
            catch (Exception e) when (RedisFailures.IsUnavailable(e))
            {
                _relay.Telemetry.Unavailable.Add(1);
                throw RedisFailures.Unavailable(e);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // Redis lost the group (restarted without persistence, or flushed): start over from a snapshot.
                await RecreateGroupAsync().ConfigureAwait(false);
                continue;
            }

            if (events.Count > 0)
            {
                _relay.Telemetry.Delivered.Add(events.Count);
                return events;
            }

            var now = _relay.Time.GetUtcNow();
            var wait = Options.FallbackPoll;
            wait = Min(wait, _nextReclaim - now);
            wait = Min(wait, _nextSnapshotCheck - now);
            if (wait > TimeSpan.Zero)
            {
                await _signal.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    public async ValueTask AcknowledgeAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var entries = new List<RedisValue>(eventIds.Count);
        var pages = new List<Task>();
        foreach (var id in eventIds)
        {
            if (SnapshotCursor.TryParse(id, out var page))
            {
                if (_pages.Complete(page))
                {
                    pages.Add(_database.ScriptEvaluateAsync(
                        RedisRelayScripts.AdvanceSnapshot, [_snapshot], [page.Mark, page.Cursor, page.Next]));
                }
            }
            else if (RelayEventIds.TryCanonical(id, out var streamId))
            {
                entries.Add(streamId);
            }
        }

        try
        {
            if (entries.Count > 0)
            {
                if (!_acknowledged)
                {
                    // Once per feed: the connector has acknowledged something, so it resumes rather than starts fresh.
                    pages.Add(_database.HashSetAsync(_snapshot, "acked", "1"));
                    _acknowledged = true;
                }

                await _database.StreamAcknowledgeAsync(_stream, Connector.ConnectorId, [.. entries]).ConfigureAwait(false);
            }

            await Task.WhenAll(pages).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            _relay.Telemetry.Unavailable.Add(1);
            throw RedisFailures.Unavailable(e);
        }

        _relay.Telemetry.Acknowledged.Add(eventIds.Count);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _relay.CloseFeedAsync(Connector, _signal).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            // The subscription goes with the connection; nothing to release.
        }

        _signal.Dispose();
    }

    private async Task<List<RelayEvent>> ReadOnceAsync(int maxCount)
    {
        var events = new List<RelayEvent>();
        if (_buffer.Count > 0)
        {
            while (_buffer.Count > 0 && events.Count < maxCount)
            {
                events.Add(_buffer.Dequeue());
            }

            return events;
        }

        var trimmed = false;
        if (_ownPendingAfter is { } after)
        {
            var own = await _database.StreamReadGroupAsync(_stream, Connector.ConnectorId, _consumer, after, maxCount).ConfigureAwait(false);
            if (own.Length == 0)
            {
                _ownPendingAfter = null;
            }
            else
            {
                _ownPendingAfter = own[^1].Id;
                trimmed |= await AddAsync(own, events).ConfigureAwait(false);
            }
        }

        var now = _relay.Time.GetUtcNow();
        if (events.Count == 0 && !trimmed && now >= _nextReclaim)
        {
            var claim = await _database.StreamAutoClaimAsync(
                _stream, Connector.ConnectorId, _consumer, (long)Options.ReclaimIdle.TotalMilliseconds, _reclaimFrom, maxCount).ConfigureAwait(false);
            _reclaimFrom = claim.NextStartId;
            trimmed |= claim.DeletedIds.Length > 0;
            trimmed |= await AddAsync(claim.ClaimedEntries, events).ConfigureAwait(false);
            if (claim.ClaimedEntries.Length > 0)
            {
                _relay.Telemetry.Reclaimed.Add(claim.ClaimedEntries.Length);
                RelayLog.Reclaimed(_relay.Logger, _consumer, claim.ClaimedEntries.Length, Connector.ConnectorId);
            }

            if (_reclaimFrom == "0-0")
            {
                _nextReclaim = now + CheckInterval;
            }
        }

        if (trimmed)
        {
            await CoalesceAsync(force: true).ConfigureAwait(false);
        }

        if (events.Count > 0)
        {
            return events;
        }

        if (now >= _nextSnapshotCheck)
        {
            _nextSnapshotCheck = now + CheckInterval;
            var state = await _database.HashGetAsync(_snapshot, ["mark", "cursor", "at", "page"]).ConfigureAwait(false);
            if (state[0].IsNull)
            {
                _snapshotMark = null;
                _snapshotDone = true;
            }
            else if ((string?)state[0] != _snapshotMark)
            {
                _snapshotMark = state[0];
                _snapshotCursor = state[1].IsNull ? "0" : (string)state[1]!;
                _snapshotAt = RelayEventIds.Pad(state[2].IsNull ? "0-0" : (string)state[2]!);
                _snapshotPage = state[3].IsNull ? 0 : (long)state[3];
                _snapshotDone = false;
            }
        }

        if (!_snapshotDone)
        {
            await SnapshotPageAsync(maxCount, events).ConfigureAwait(false);
            if (events.Count > 0)
            {
                return events;
            }
        }

        var fresh = await _database.StreamReadGroupAsync(_stream, Connector.ConnectorId, _consumer, StreamPosition.NewMessages, maxCount).ConfigureAwait(false);
        await AddAsync(fresh, events).ConfigureAwait(false);
        if (fresh.Length == maxCount)
        {
            // A full batch may mean the connector is behind: check, and coalesce if it is too far behind.
            await CoalesceAsync(force: false).ConfigureAwait(false);
        }

        return events;
    }

    /// <summary>Decodes entries into events; true when some were already dropped by retention.</summary>
    private async Task<bool> AddAsync(StreamEntry[] entries, List<RelayEvent> events)
    {
        var trimmed = false;
        List<RedisValue>? unreadable = null;
        List<int>? withheld = null;
        foreach (var entry in entries)
        {
            if (entry.IsNull || entry.Values is not { Length: > 0 })
            {
                trimmed = true;
                continue;
            }

            RedisValue kind = default, data = default;
            string? traceParent = null, traceState = null;
            foreach (var field in entry.Values)
            {
                if (field.Name == FieldKind)
                {
                    kind = field.Value;
                }
                else if (field.Name == FieldData)
                {
                    data = field.Value;
                }
                else if (field.Name == FieldTraceParent)
                {
                    traceParent = field.Value;
                }
                else if (field.Name == FieldTraceState)
                {
                    traceState = field.Value;
                }
            }

            try
            {
                var eventKind = kind == PresenceKind ? RelayEventKind.Presence : RelayEventKind.FromToken((string?)kind ?? string.Empty);
                var textsWithheld = false;
                var presence = eventKind == RelayEventKind.Presence
                    ? PresenceUpdateCodec.Decode(Connector.Organization, (byte[])data!, out textsWithheld)
                    : null;
                if (textsWithheld)
                {
                    (withheld ??= []).Add(events.Count);
                }

                var profile = eventKind == RelayEventKind.Profile ? UserEventCodec.DecodeProfile((byte[])data!) : null;
                var withdrawal = eventKind == RelayEventKind.Withdrawn ? UserEventCodec.DecodeWithdrawal((byte[])data!) : null;
                events.Add(new RelayEvent(RelayEventIds.Pad(entry.Id!), eventKind, Connector.Organization, presence, traceParent, traceState,
                    Profile: profile, Withdrawal: withdrawal));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                RelayLog.UnreadableEntry(_relay.Logger, entry.Id!, Connector.ConnectorId, e);
                (unreadable ??= []).Add(entry.Id);
            }
        }

        if (unreadable is not null)
        {
            await _database.StreamAcknowledgeAsync(_stream, Connector.ConnectorId, [.. unreadable]).ConfigureAwait(false);
        }

        if (withheld is not null)
        {
            await RestoreTextsAsync(events, withheld).ConfigureAwait(false);
        }

        return trimmed;
    }

    /// <summary>
    /// Puts back the free texts the stream leaves out, from the last-known records (one pipelined read): an event
    /// gets them when its version is still the last-known one. An older event, superseded meanwhile, goes without
    /// them; the newer one follows with its own.
    /// </summary>
    private async Task RestoreTextsAsync(List<RelayEvent> events, List<int> withheld)
    {
        var reads = withheld.Select(i => _database.HashGetAsync(
            _relay.Keys.LastKnown(Connector.Organization, RedisRelayKeys.Member(PresenceSubject.Of(events[i].Presence!))),
            [(RedisValue)"v", (RedisValue)"d"])).ToList();
        for (var j = 0; j < withheld.Count; j++)
        {
            var index = withheld[j];
            var values = await reads[j].ConfigureAwait(false);
            if (values[0] == events[index].Presence!.Version.Stamp && !values[1].IsNull)
            {
                events[index] = events[index] with { Presence = PresenceUpdateCodec.Decode(Connector.Organization, (byte[])values[1]!) };
            }
        }
    }

    private async Task RecreateGroupAsync()
    {
        try
        {
            await _relay.OpenGroupAsync(_database, Connector, null).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }

        RelayLog.Coalesced(_relay.Logger, Connector.ConnectorId, Connector.Organization.ToString(), "group-lost");
        _ownPendingAfter = null;
        _reclaimFrom = "0-0";
        _nextSnapshotCheck = DateTimeOffset.MinValue;
        _snapshotMark = null;
        _snapshotDone = true;
        _buffer.Clear();
    }

    private async Task CoalesceAsync(bool force)
    {
        var reason = await _database.ScriptEvaluateAsync(
            RedisRelayScripts.Coalesce,
            [_stream, _snapshot],
            [Connector.ConnectorId, Options.LagBound, force ? "1" : "0", InMemoryPresenceRelay.NewMark()]).ConfigureAwait(false);
        if (reason.Resp2Type == ResultType.BulkString)
        {
            _relay.Telemetry.Coalesced.Add(1);
            RelayLog.Coalesced(_relay.Logger, Connector.ConnectorId, Connector.Organization.ToString(), (string?)reason ?? "?");
            _nextSnapshotCheck = DateTimeOffset.MinValue;
            _ownPendingAfter = null;
        }
    }

    private async Task SnapshotPageAsync(int maxCount, List<RelayEvent> events)
    {
        var users = _relay.Keys.Users(Connector.Organization);
        var page = new List<RelayEvent>();
        while (!_snapshotDone && page.Count == 0)
        {
            var mark = _snapshotMark!;
            var cursor = _snapshotCursor;
            var scan = (RedisResult[])(await _database.ExecuteAsync("SSCAN", users, cursor, "COUNT", maxCount).ConfigureAwait(false))!;
            var next = (string)scan[0]!;
            var members = ((RedisResult[])scan[1]!).Select(m => (string)m!).ToArray();
            var values = await Task.WhenAll(members.Select(
                m => _database.HashGetAsync(_relay.Keys.LastKnown(Connector.Organization, m), "d"))).ConfigureAwait(false);
            var updates = values.Where(v => !v.IsNull)
                .Select(v => PresenceUpdateCodec.Decode(Connector.Organization, (byte[])v!)).ToList();
            for (var i = 0; i < updates.Count; i++)
            {
                var id = new SnapshotCursor(_snapshotAt, _snapshotPage, i, mark, cursor, next, updates.Count);
                page.Add(new RelayEvent(id.ToString(), RelayEventKind.Presence, Connector.Organization, updates[i], null, null, IsSnapshot: true));
            }

            if (updates.Count == 0)
            {
                await _database.ScriptEvaluateAsync(RedisRelayScripts.AdvanceSnapshot, [_snapshot], [mark, cursor, next]).ConfigureAwait(false);
            }

            _snapshotCursor = next;
            _snapshotPage++;
            _snapshotDone = next == "0";
        }

        foreach (var item in page)
        {
            if (events.Count < maxCount)
            {
                events.Add(item);
            }
            else
            {
                _buffer.Enqueue(item);
            }
        }
    }
}
