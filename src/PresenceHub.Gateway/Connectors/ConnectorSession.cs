using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// One connector's open stream: its <see cref="ConnectorOutbox"/> writes the relay feed; the session reads the
/// connector's acknowledgements, heartbeats, state reports and publications, and ends the stream when the connector
/// goes silent, is replaced, or either side fails.
/// </summary>
internal sealed class ConnectorSession
{
    private readonly ConnectorCaller _caller;
    private readonly ConnectorStreamWriter _writer;
    private readonly ConnectorOutbox _outbox;
    private readonly ConnectorSessionServices _services;
    private readonly ConnectorOptions _options;
    private readonly CancellationTokenSource _ended = new();
    private long _lastReceivedTicks;
    private long _errors;
    private V1.StreamError? _endReason;

    public ConnectorSession(
        ConnectorCaller caller, string connectorId, Platform platform, IRelayFeed feed,
        IServerStreamWriter<V1.ConnectResponse> writer, ConnectorSessionServices services)
    {
        _caller = caller;
        ConnectorId = connectorId;
        Platform = platform;
        _services = services;
        _options = services.Options.CurrentValue;
        SessionId = Guid.NewGuid().ToString("N");
        _writer = new ConnectorStreamWriter(writer);
        _outbox = new ConnectorOutbox(caller.Organization, connectorId, platform, SessionId, feed, _writer, services);
        _lastReceivedTicks = services.Time.GetTimestamp();
        ConnectedAt = services.Time.GetUtcNow();
    }

    /// <summary>When the session opened.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Events written to the connector so far.</summary>
    public long Delivered => _outbox.Delivered;

    /// <summary>Time from observation to write of the last live presence event written; null before the first.</summary>
    public TimeSpan? LastLag => _outbox.LastLag;

    /// <summary>Stream errors sent to the connector so far (rate limited, invalid messages, unknown cursors).</summary>
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
    public int Outstanding => _outbox.Outstanding;

    /// <summary>Events this session holds in memory: queued for the stream, and written but not yet acknowledged.</summary>
    public int Held => _outbox.Held;

    /// <summary>The most events one session holds (<see cref="Held"/>): the queue's capacity plus the unacknowledged window.</summary>
    public static int HeldBound(ConnectorOptions options) => ConnectorOutbox.QueueCapacityOf(options) + options.MaxUnacknowledgedEvents;

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
        var filling = _outbox.FillAsync(token);
        var delivering = _outbox.DeliverAsync(token);
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
                await _writer.TryWriteFinalAsync(new V1.ConnectResponse { Error = reason }).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<V1.ConnectRequest> requests, CancellationToken token)
    {
        while (await NextAsync(requests, token).ConfigureAwait(false))
        {
            Interlocked.Exchange(ref _lastReceivedTicks, _services.Time.GetTimestamp());
            var request = requests.Current;
            switch (request.MessageCase)
            {
                case V1.ConnectRequest.MessageOneofCase.Ack when !await _outbox.AcknowledgeAsync(request.Ack, token).ConfigureAwait(false):
                    CountError(V1.StreamErrorReason.UnknownCursor);
                    await WriteAsync(new V1.ConnectResponse
                    {
                        Error = new V1.StreamError
                        {
                            Reason = V1.StreamErrorReason.UnknownCursor,
                            Detail = "The acknowledged cursor was never sent on this stream; acknowledge the cursor of an event you received.",
                        },
                    }, token).ConfigureAwait(false);
                    break;
                case V1.ConnectRequest.MessageOneofCase.Ack:
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

    private Task WriteAsync(V1.ConnectResponse response, CancellationToken token) => _writer.WriteAsync(response, token);

    /// <summary>Awaits a task of an ending session, ignoring how it ended: the first task's outcome decides how the call ends.</summary>
    internal static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or StateUnavailableException)
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
