using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// One connector's open stream: writes its relay feed in batches within a bounded window of unacknowledged events,
/// through a bounded queue that keeps only the newest presence per user, never sending a platform its own presence
/// back; reads
/// its acknowledgements, heartbeats, state reports and publications; ends when the connector goes silent.
/// </summary>
internal sealed class ConnectorSession
{
    private readonly ConnectorCaller _caller;
    private readonly IRelayFeed _feed;
    private readonly IServerStreamWriter<V1.ConnectResponse> _writer;
    private readonly ConnectorSessionServices _services;
    private readonly ConnectorOptions _options;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lock _gate = new();
    private readonly LinkedList<Sent> _outstanding = [];
    private readonly Dictionary<string, LinkedListNode<Sent>> _outstandingById = new(StringComparer.Ordinal);
    private readonly RecentCursors _acknowledged;
    private readonly CancellationTokenSource _ended = new();
    private readonly LinkedList<Queued> _queue = [];
    private readonly Dictionary<(string UserId, Platform Source), LinkedListNode<Queued>> _waiting = [];
    private TaskCompletionSource _windowOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _queueFilled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _queueDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastReceivedTicks;
    private long _delivered;
    private long _lastLagMilliseconds = -1;
    private long _errors;
    private V1.StreamError? _endReason;

    public ConnectorSession(
        ConnectorCaller caller, string connectorId, Platform platform, IRelayFeed feed,
        IServerStreamWriter<V1.ConnectResponse> writer, ConnectorSessionServices services)
    {
        _caller = caller;
        ConnectorId = connectorId;
        Platform = platform;
        _feed = feed;
        _writer = writer;
        _services = services;
        _options = services.Options.CurrentValue;
        _acknowledged = new RecentCursors(2 * _options.MaxUnacknowledgedEvents);
        SessionId = Guid.NewGuid().ToString("N");
        _lastReceivedTicks = services.Time.GetTimestamp();
        ConnectedAt = services.Time.GetUtcNow();
    }

    /// <summary>When the session opened.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Events written to the connector so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Time from observation to write of the last live presence event written; null before the first.</summary>
    public TimeSpan? LastLag => Interlocked.Read(ref _lastLagMilliseconds) is >= 0 and var ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Stream errors sent to the connector so far (rate limited, invalid messages).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The reason of the last stream error sent; null when none.</summary>
    public string? LastError { get; private set; }

    public string SessionId { get; }

    public string ConnectorId { get; }

    public Platform Platform { get; }

    public OrganizationId Organization => _caller.Organization;

    /// <summary>The state the connector last reported about its platform side.</summary>
    public V1.ConnectorState ReportedState { get; private set; } = V1.ConnectorState.Unspecified;

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

    /// <summary>Events this session holds in memory: queued for the stream, and written but not yet acknowledged.</summary>
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

    /// <summary>The most events one session holds (<see cref="Held"/>): the queue's capacity plus the unacknowledged window.</summary>
    public static int HeldBound(ConnectorOptions options) => QueueCapacityOf(options) + options.MaxUnacknowledgedEvents;

    /// <summary>Ends the session, telling the connector why.</summary>
    public void End(V1.StreamErrorReason reason, string detail)
    {
        Interlocked.CompareExchange(ref _endReason, new V1.StreamError { Reason = reason, Detail = detail }, null);
        _ended.Cancel();
    }

    public async Task RunAsync(IAsyncStreamReader<V1.ConnectRequest> requests, V1.Welcome welcome, CancellationToken callAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callAborted, _ended.Token);
        var token = linked.Token;
        await WriteAsync(new V1.ConnectResponse { Welcome = welcome }, token).ConfigureAwait(false);
        var reading = ReadAsync(requests, token);
        var watching = WatchSilenceAsync(token);
        var filling = FillAsync(token);
        var delivering = DeliverAsync(token);
        try
        {
            // The connector closing its side, going silent, or the relay failing ends the session.
            var first = await Task.WhenAny(reading, watching, filling, delivering).ConfigureAwait(false);
            await _ended.CancelAsync().ConfigureAwait(false);
            try
            {
                await first.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!callAborted.IsCancellationRequested)
            {
                // Ended on purpose (replaced, shutting down): the final error below says why.
            }
        }
        finally
        {
            await _ended.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(reading), Quietly(watching), Quietly(filling), Quietly(delivering)).ConfigureAwait(false);
            if (_endReason is { } reason && !callAborted.IsCancellationRequested)
            {
                await TryWriteFinalAsync(new V1.ConnectResponse { Error = reason }).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Moves events from the relay feed into the stream's bounded queue. Presence from the connector's own platform
    /// (an echo) is acknowledged without sending. A presence event whose user and source already wait in the queue
    /// replaces the waiting one, which is acknowledged: presence is state, so a connector that falls behind gets
    /// fewer, newer events. Reading pauses while the queue is full.
    /// </summary>
    private async Task FillAsync(CancellationToken token)
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
            catch (RelayUnavailableException e)
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
    private async Task DeliverAsync(CancellationToken token)
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
            await Quietly(writing).ConfigureAwait(false);
            throw;
        }

        await writing.ConfigureAwait(false);
    }

    /// <summary>Writes one batch, then counts it and records one metadata entry per event.</summary>
    private async Task WriteBatchAsync(V1.EventBatch batch, List<Queued> taken, CancellationToken token)
    {
        await WriteAsync(new V1.ConnectResponse { EventBatch = batch }, token).ConfigureAwait(false);
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

        await _services.MetadataLog.AppendAsync(Organization, logged, token).ConfigureAwait(false);
    }

    private int QueueCapacity => QueueCapacityOf(_options);

    private static int QueueCapacityOf(ConnectorOptions options) => Math.Max(options.MaxBatchSize * 4, 1024);

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

    private async Task ReadAsync(IAsyncStreamReader<V1.ConnectRequest> requests, CancellationToken token)
    {
        while (await NextAsync(requests, token).ConfigureAwait(false))
        {
            Interlocked.Exchange(ref _lastReceivedTicks, _services.Time.GetTimestamp());
            var request = requests.Current;
            switch (request.MessageCase)
            {
                case V1.ConnectRequest.MessageOneofCase.Ack:
                    await AcknowledgeAsync(request.Ack, token).ConfigureAwait(false);
                    break;
                case V1.ConnectRequest.MessageOneofCase.Heartbeat:
                    await WriteAsync(new V1.ConnectResponse { Heartbeat = request.Heartbeat }, token).ConfigureAwait(false);
                    break;
                case V1.ConnectRequest.MessageOneofCase.StateReport:
                    ReportedState = request.StateReport.State;
                    ConnectorLog.StateReported(_services.Logger, SessionId, ReportedState.ToString());
                    break;
                case V1.ConnectRequest.MessageOneofCase.Publication when !_services.RateLimiter.TryAcquire(_caller.CredentialId):
                    CountError(V1.StreamErrorReason.RateLimited);
                    await WriteAsync(new V1.ConnectResponse
                    {
                        Error = new V1.StreamError
                        {
                            Reason = V1.StreamErrorReason.RateLimited,
                            Detail = $"Publication {request.Publication.PublicationId} was not applied: over {_options.PublicationsPerSecond} per second.",
                            RetryAfter = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
                        },
                    }, token).ConfigureAwait(false);
                    break;
                case V1.ConnectRequest.MessageOneofCase.Publication:
                    var result = await _services.Publish(_caller, Platform, request.Publication, SessionId, token).ConfigureAwait(false);
                    await WriteAsync(new V1.ConnectResponse { PublicationResult = result }, token).ConfigureAwait(false);
                    break;
                default:
                    CountError(V1.StreamErrorReason.InvalidMessage);
                    await WriteAsync(new V1.ConnectResponse
                    {
                        Error = new V1.StreamError { Reason = V1.StreamErrorReason.InvalidMessage, Detail = "Expected ack, heartbeat, state_report or publication." },
                    }, token).ConfigureAwait(false);
                    break;
            }
        }
    }

    private void CountError(V1.StreamErrorReason reason)
    {
        Interlocked.Increment(ref _errors);
        LastError = reason.ToString();
    }

    private async Task<bool> NextAsync(IAsyncStreamReader<V1.ConnectRequest> requests, CancellationToken token)
    {
        try
        {
            return await requests.MoveNext(token).ConfigureAwait(false);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A message on the stream is not a ConnectRequest."));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            throw ConnectorMessageLimit.Exceeded(_options.MaxMessageBytes);
        }
    }

    /// <summary>
    /// The cursor acknowledges every event written up to and including it; listed event ids are acknowledged too.
    /// Repeated ones are ignored: they were acknowledged before. A cursor this stream never wrote is answered with
    /// <see cref="V1.StreamErrorReason.UnknownCursor"/> and ignored.
    /// </summary>
    private async Task AcknowledgeAsync(V1.EventAcknowledgement ack, CancellationToken token)
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

        if (unknown)
        {
            CountError(V1.StreamErrorReason.UnknownCursor);
            await WriteAsync(new V1.ConnectResponse
            {
                Error = new V1.StreamError
                {
                    Reason = V1.StreamErrorReason.UnknownCursor,
                    Detail = "The acknowledged cursor was never sent on this stream; acknowledge the cursor of an event you received.",
                },
            }, token).ConfigureAwait(false);
        }

        if (handled.Count > 0)
        {
            await _feed.AcknowledgeAsync(handled, token).ConfigureAwait(false);
        }

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

    /// <summary>
    /// Ends the stream once nothing arrived for three heartbeat intervals: it wakes when that much time will have
    /// passed since the last message, not on a fixed tick, so the limit is three intervals and not up to four.
    /// </summary>
    private async Task WatchSilenceAsync(CancellationToken token)
    {
        var limit = _options.HeartbeatInterval * 3;
        while (true)
        {
            var silence = _services.Time.GetElapsedTime(Interlocked.Read(ref _lastReceivedTicks));
            if (silence >= limit)
            {
                ConnectorLog.Silent(_services.Logger, SessionId, silence);
                throw new RpcException(new Status(StatusCode.Unavailable, $"Nothing received for {silence}; heartbeat every {_options.HeartbeatInterval}."));
            }

            await Task.Delay(limit - silence, _services.Time, token).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(V1.ConnectResponse response, CancellationToken token)
    {
        await _writes.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await _writer.WriteAsync(response, token).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task TryWriteFinalAsync(V1.ConnectResponse response)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The connection is already gone; the connector learns by reconnecting.
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or RelayUnavailableException)
        {
            // Ending: the first task's outcome decides how the call ends.
        }
    }

    /// <summary>The welcome for a session.</summary>
    public V1.Welcome Welcome(V1.ResumeOutcome outcome) => new()
    {
        SessionId = SessionId,
        HeartbeatInterval = Duration.FromTimeSpan(_options.HeartbeatInterval),
        MaxBatchSize = (uint)_options.MaxBatchSize,
        MaxUnacknowledgedEvents = (uint)_options.MaxUnacknowledgedEvents,
        ResumeOutcome = outcome,
        OrganizationId = Organization.ToString(),
    };
}
