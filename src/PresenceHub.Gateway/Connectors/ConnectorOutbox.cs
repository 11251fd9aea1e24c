using Grpc.Core;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// What a connector's stream sends: its relay feed through a bounded queue that keeps only the newest presence per
/// user (never the platform's own presence back), written in cursor-ordered batches within a window of
/// unacknowledged events, and the connector's acknowledgements passed back to the relay.
/// </summary>
internal sealed class ConnectorOutbox
{
    private readonly IRelayFeed _feed;
    private readonly ConnectorStreamWriter _writer;
    private readonly ConnectorSessionServices _services;
    private readonly ConnectorOptions _options;
    private readonly Lock _gate = new();
    private readonly LinkedList<Sent> _outstanding = [];
    private readonly Dictionary<string, LinkedListNode<Sent>> _outstandingById = new(StringComparer.Ordinal);
    private readonly RecentCursors _acknowledged;
    private readonly LinkedList<Queued> _queue = [];
    private readonly Dictionary<(string UserId, Platform Source), LinkedListNode<Queued>> _waiting = [];
    private TaskCompletionSource _windowOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _queueFilled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _queueDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _delivered;
    private long _lastLagMilliseconds = -1;

    public ConnectorOutbox(
        OrganizationId organization, string connectorId, Platform platform, string sessionId, IRelayFeed feed,
        ConnectorStreamWriter writer, ConnectorSessionServices services)
    {
        Organization = organization;
        ConnectorId = connectorId;
        Platform = platform;
        SessionId = sessionId;
        _feed = feed;
        _writer = writer;
        _services = services;
        _options = services.Options.CurrentValue;
        _acknowledged = new RecentCursors(2 * _options.MaxUnacknowledgedEvents);
    }

    private OrganizationId Organization { get; }

    private string ConnectorId { get; }

    private Platform Platform { get; }

    private string SessionId { get; }

    /// <summary>Events written to the connector so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Time from observation to write of the last live presence event written; null before the first.</summary>
    public TimeSpan? LastLag => Interlocked.Read(ref _lastLagMilliseconds) is >= 0 and var ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Events written and not yet acknowledged.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _outstanding.Count;
            }
        }
    }

    /// <summary>Events held in memory: queued for the stream, and written but not yet acknowledged.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count + _outstanding.Count;
            }
        }
    }

    /// <summary>
    /// Moves events from the relay feed into the stream's bounded queue. Presence from the connector's own platform
    /// (an echo) is acknowledged without sending. A presence event whose user and source already wait in the queue
    /// replaces the waiting one, which is acknowledged: presence is state, so a connector that falls behind gets
    /// fewer, newer events. Reading pauses while the queue is full.
    /// </summary>
    public async Task FillAsync(CancellationToken token)
    {
        var capacity = QueueCapacity;
        while (!token.IsCancellationRequested)
        {
            int space;
            Task spaceFreed;
            lock (_gate)
            {
                space = capacity - _queue.Count;
                spaceFreed = _queueDrained.Task;
            }

            if (space <= 0)
            {
                await spaceFreed.WaitAsync(token).ConfigureAwait(false);
                continue;
            }

            IReadOnlyList<RelayEvent> events;
            try
            {
                events = await _feed.ReadAsync(Math.Min(space, 1000), token).ConfigureAwait(false);
            }
            catch (StateUnavailableException e)
            {
                ConnectorLog.RelayUnavailable(_services.Logger, e, SessionId);
                throw new RpcException(new Status(StatusCode.Unavailable, "The relay is unavailable; reconnect and resume."));
            }

            var skip = new List<string>();
            var replaced = 0;
            lock (_gate)
            {
                foreach (var e in events)
                {
                    if (e.Kind == RelayEventKind.Presence && e.Presence is null)
                    {
                        skip.Add(e.Id);
                    }
                    else if (e.Presence is { } update && update.IsEchoFor(Platform))
                    {
                        skip.Add(e.Id);
                    }
                    else if (e.Presence is { } presence && _waiting.TryGetValue((presence.UserId, presence.Source), out var node))
                    {
                        var (older, newer) = node.Value.Event.Presence!.Version >= presence.Version ? (e, node.Value.Event) : (node.Value.Event, e);
                        node.Value = new Queued(newer, node.Value.Coalesced + 1);
                        skip.Add(older.Id);
                        replaced++;
                    }
                    else
                    {
                        var added = _queue.AddLast(new Queued(e, 0));
                        if (e.Presence is { } fresh)
                        {
                            _waiting[(fresh.UserId, fresh.Source)] = added;
                        }
                    }
                }

                _queueFilled.TrySetResult();
                _queueFilled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (replaced > 0)
            {
                _services.Metrics.Coalesced(replaced);
            }

            if (skip.Count > 0)
            {
                await _feed.AcknowledgeAsync(skip, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Writes the queue to the stream in batches, never more than the window beyond the last acknowledgement, each in
    /// cursor order. The next batch is taken and mapped while the previous one is being written, so mapping and the
    /// metadata log overlap the transport; writes stay in order because each starts only after the previous one
    /// finished.
    /// </summary>
    public async Task DeliverAsync(CancellationToken token)
    {
        Task writing = Task.CompletedTask;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var taken = new List<Queued>();
                var withProfile = new HashSet<string>(StringComparer.Ordinal);
                Task changed;
                lock (_gate)
                {
                    // A snapshot presence brings its user's profile along when there is room for both.
                    var room = Math.Min(_options.MaxUnacknowledgedEvents - _outstanding.Count, _options.MaxBatchSize);
                    while (room > 0 && _queue.First is { } first)
                    {
                        room--;
                        if (first.Value.Event.IsSnapshot && room > 0)
                        {
                            room--;
                            withProfile.Add(first.Value.Event.Id);
                        }

                        _queue.RemoveFirst();
                        if (first.Value.Event.Presence is { } update)
                        {
                            _waiting.Remove((update.UserId, update.Source));
                        }

                        taken.Add(first.Value);
                    }

                    if (taken.Count > 0)
                    {
                        _queueDrained.TrySetResult();
                        _queueDrained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    // Wake on either: more events queued, or acknowledgements opening the window.
                    changed = _queue.Count == 0 ? _queueFilled.Task : _windowOpened.Task;
                }

                if (taken.Count == 0)
                {
                    await changed.WaitAsync(token).ConfigureAwait(false);
                    continue;
                }

                taken.Sort(static (a, b) => string.CompareOrdinal(a.Event.Id, b.Event.Id));
                var batch = await MapAsync(taken, withProfile, token).ConfigureAwait(false);
                lock (_gate)
                {
                    foreach (var entry in batch.Outstanding)
                    {
                        _outstandingById[entry.Cursor] = _outstanding.AddLast(entry);
                    }
                }

                await writing.ConfigureAwait(false);
                writing = WriteBatchAsync(batch.Events, taken, token);
            }
        }
        catch
        {
            // The write in flight ends with the stream; the first failure decides how the call ends.
            await ConnectorSession.Quietly(writing).ConfigureAwait(false);
            throw;
        }

        await writing.ConfigureAwait(false);
    }

    /// <summary>Writes one batch, then counts it and records one metadata entry per event.</summary>
    private async Task WriteBatchAsync(V1.EventBatch batch, List<Queued> taken, CancellationToken token)
    {
        await _writer.WriteAsync(new V1.ConnectResponse { EventBatch = batch }, token).ConfigureAwait(false);
        _services.Metrics.Delivered(Platform.Id, batch.Events.Count);
        Interlocked.Add(ref _delivered, batch.Events.Count);
        var now = _services.Time.GetUtcNow();
        var receiver = MetadataLogEntry.ConnectorAddress(ConnectorId);
        var logged = new List<MetadataLogEntry>(taken.Count);
        foreach (var queued in taken)
        {
            if (queued.Event.Presence is { } update)
            {
                if (!queued.Event.IsSnapshot)
                {
                    _services.Metrics.Lag(now - update.ObservedAt);
                    Interlocked.Exchange(ref _lastLagMilliseconds, (long)Math.Max(0, (now - update.ObservedAt).TotalMilliseconds));
                }

                logged.Add(new MetadataLogEntry(now, MetadataLogEntry.UserAddress(update.Source.Id, update.UserId), receiver, MessageType.Presence, SessionId));
            }
            else if (ConnectorProtoMapper.SubjectUserId(queued.Event) is { } userId)
            {
                var type = queued.Event.Kind == RelayEventKind.Profile ? MessageType.ProfileChange : MessageType.Withdrawal;
                logged.Add(new MetadataLogEntry(now, MetadataLogEntry.UserAddress(Platform.Teams.Id, userId), receiver, type, SessionId));
            }
        }

        foreach (var sent in batch.Events)
        {
            if (sent.EventId.EndsWith(ConnectorProtoMapper.SnapshotProfileSuffix, StringComparison.Ordinal))
            {
                logged.Add(new MetadataLogEntry(now, MetadataLogEntry.UserAddress(Platform.Teams.Id, sent.User.TeamsUserId), receiver, MessageType.ProfileChange, SessionId));
            }
        }

        await _services.MetadataLog.AppendAsync(Organization, logged, token).ConfigureAwait(false);
    }

    private int QueueCapacity => QueueCapacityOf(_options);

    public static int QueueCapacityOf(ConnectorOptions options) => Math.Max(options.MaxBatchSize * 4, 1024);

    /// <summary>
    /// The batch as the connector receives it, and what it leaves outstanding, in stream order: every event taken
    /// (acknowledged with the relay id it came with, also one the connector API cannot express) and, after each
    /// snapshot presence, the user's profile, so a connector that starts from a snapshot can show names.
    /// </summary>
    private async Task<(V1.EventBatch Events, List<Sent> Outstanding)> MapAsync(
        List<Queued> events, HashSet<string> withProfile, CancellationToken token)
    {
        var userIds = events.Select(q => ConnectorProtoMapper.SubjectUserId(q.Event)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var profiles = await _services.Directory.GetManyAsync(Organization, userIds, token).ConfigureAwait(false);
        var platformUsers = await _services.Links.FindPlatformUsersAsync(Organization, Platform, userIds, token).ConfigureAwait(false);
        var byUser = new Dictionary<string, (UserProfileRecord? Profile, string? PlatformUserId)>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < userIds.Count; i++)
        {
            byUser[userIds[i]] = (profiles[i], platformUsers[i]);
        }

        var batch = new V1.EventBatch();
        var outstanding = new List<Sent>(events.Count);
        foreach (var (e, coalesced) in events)
        {
            outstanding.Add(new Sent(e.Id, e.Id));
            var subject = ConnectorProtoMapper.SubjectUserId(e);
            var (profile, platformUserId) = subject is null ? default : byUser[subject];
            if (ConnectorProtoMapper.ToProto(e, profile, platformUserId, coalesced) is not { } proto)
            {
                continue;
            }

            batch.Events.Add(proto);
            if (withProfile.Contains(e.Id) && profile is not null && ConnectorProtoMapper.ToSnapshotProfile(proto, profile) is var profileEvent)
            {
                batch.Events.Add(profileEvent);
                outstanding.Add(new Sent(profileEvent.Cursor, null));
            }
        }

        return (batch, outstanding);
    }

    /// <summary>An event waiting to be written, with how many older events of the same user it replaced.</summary>
    private readonly record struct Queued(RelayEvent Event, int Coalesced);

    /// <summary>A cursor written and not yet acknowledged, with the relay event it acknowledges (none for a profile sent along with a snapshot).</summary>
    private readonly record struct Sent(string Cursor, string? RelayId);

    /// <summary>
    /// The cursor acknowledges every event written up to and including it; listed event ids are acknowledged too.
    /// Repeated ones are ignored: they were acknowledged before.
    /// </summary>
    /// <returns>False when the cursor is one this stream never wrote (or acknowledged long ago); it is ignored.</returns>
    public async Task<bool> AcknowledgeAsync(V1.EventAcknowledgement ack, CancellationToken token)
    {
        var handled = new List<string>();
        var unknown = false;
        lock (_gate)
        {
            if (ack.Cursor.Length > 0 && _outstandingById.ContainsKey(ack.Cursor))
            {
                while (_outstanding.First is { } first)
                {
                    _outstanding.RemoveFirst();
                    Handled(first.Value);
                    if (first.Value.Cursor == ack.Cursor)
                    {
                        break;
                    }
                }
            }
            else if (ack.Cursor.Length > 0 && !_acknowledged.Contains(ack.Cursor))
            {
                unknown = true;
            }

            foreach (var id in ack.EventIds)
            {
                if (_outstandingById.TryGetValue(id, out var node))
                {
                    _outstanding.Remove(node);
                    Handled(node.Value);
                }
            }

            if (handled.Count > 0)
            {
                _windowOpened.TrySetResult();
                _windowOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (handled.Count > 0)
        {
            await _feed.AcknowledgeAsync(handled, token).ConfigureAwait(false);
        }

        return !unknown;

        void Handled(Sent entry)
        {
            _outstandingById.Remove(entry.Cursor);
            _acknowledged.Add(entry.Cursor);
            if (entry.RelayId is { } relayId)
            {
                handled.Add(relayId);
            }
        }
    }
}
