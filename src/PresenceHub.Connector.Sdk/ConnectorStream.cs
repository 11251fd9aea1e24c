using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// The connector's stream to the hub, one connection per <see cref="RunAsync"/>: hello with the resume cursor,
/// welcome, event batches passed to the handler in order with duplicates dropped, acknowledgements and the cursor
/// store, heartbeats and liveness, and state reports. Reconnecting is the caller's business.
/// </summary>
internal sealed partial class ConnectorStream
{
    private const string ClientLibrary = "presencehub-dotnet/1.0";
    private const int SilentIntervalsBeforeReconnect = 3;
    private static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly ConnectorClientOptions _options;
    private readonly Platform _platform;
    private readonly V1.ConnectorService.ConnectorServiceClient _hub;
    private readonly ConnectorHeaders _headers;
    private readonly ICursorStore? _cursorStore;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EventIdWindow _seen;
    private readonly Lock _stateLock = new();

    private IConnectorHandler? _handler;
    private Task? _writing;
    private volatile ChannelWriter<V1.ConnectRequest>? _outbound;
    private volatile string? _cursor;
    private volatile string? _sessionId;
    private ConnectorState _reportedState = ConnectorState.Running;
    private string? _reportedDetail;

    public ConnectorStream(
        ConnectorClientOptions options,
        Platform platform,
        V1.ConnectorService.ConnectorServiceClient hub,
        ConnectorHeaders headers,
        ICursorStore? cursorStore,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _platform = platform;
        _hub = hub;
        _headers = headers;
        _cursorStore = cursorStore;
        _time = time;
        _logger = logger;
        _seen = new EventIdWindow(options.DeduplicationWindow);
    }

    /// <summary>The hub's id of the current stream; null when not connected.</summary>
    public string? SessionId => _sessionId;

    /// <summary>The cursor of the last handled event; null before the first.</summary>
    public string? Cursor => _cursor;

    /// <summary>Takes the handler for all later connections and loads the saved cursor when there is a store.</summary>
    public async Task PrepareAsync(IConnectorHandler handler, CancellationToken cancellationToken)
    {
        _handler = handler;
        if (_cursorStore is not null && _cursor is null)
        {
            _cursor = await _cursorStore.LoadAsync(_options.ConnectorId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Remembers the state for every later connection and sends it now when connected.</summary>
    public void ReportState(ConnectorState state, string? detail)
    {
        lock (_stateLock)
        {
            _reportedState = state;
            _reportedDetail = detail;
        }

        _outbound?.TryWrite(StateReport(state, detail));
    }

    /// <summary>
    /// When connected, reports <see cref="ConnectorState.Stopping"/> and completes the outgoing messages; returns the
    /// task writing them, which ends once they are sent, or null when not connected.
    /// </summary>
    public Task? BeginClose()
    {
        if (_outbound is not { } outbound || _writing is not { } writing)
        {
            return null;
        }

        outbound.TryWrite(StateReport(ConnectorState.Stopping, null));
        outbound.TryComplete();
        return writing;
    }

    /// <summary>Runs one connection until it ends; always throws, <see cref="ConnectorStreamEndedException"/> when worth retrying.</summary>
    /// <param name="connected">Called once the hub welcomed the connector and the stream is set up.</param>
    /// <param name="stoppingToken">Cancelled when the client stops.</param>
    public async ValueTask RunAsync(Action connected, CancellationToken stoppingToken)
    {
        using var sessionCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sessionToken = sessionCancellation.Token;
        var headers = await _headers.CreateAsync(stoppingToken).ConfigureAwait(false);
        using var call = _hub.Connect(headers, cancellationToken: sessionToken);
        var welcome = await HandshakeAsync(call, sessionToken).ConfigureAwait(false);

        var outbound = Channel.CreateUnbounded<V1.ConnectRequest>(new UnboundedChannelOptions { SingleReader = true });
        var liveness = new StreamLiveness(_time);
        var interval = welcome.HeartbeatInterval?.ToTimeSpan() is { } given && given > TimeSpan.Zero ? given : DefaultHeartbeatInterval;
        lock (_stateLock)
        {
            outbound.Writer.TryWrite(StateReport(_reportedState, _reportedDetail));
        }

        _sessionId = welcome.SessionId;
        _writing = WriteAsync(call.RequestStream, outbound.Reader, sessionToken);
        _outbound = outbound.Writer;
        var heartbeating = HeartbeatAsync(outbound.Writer, interval, liveness, sessionCancellation);
        connected();
        Log.Connected(_logger, _options.ConnectorId, welcome.SessionId, welcome.ResumeOutcome.ToString());
        try
        {
            while (await call.ResponseStream.MoveNext(sessionToken).ConfigureAwait(false))
            {
                liveness.Heard();
                var response = call.ResponseStream.Current;
                switch (response.MessageCase)
                {
                    case V1.ConnectResponse.MessageOneofCase.EventBatch:
                        await HandleBatchAsync(response.EventBatch, outbound.Writer, stoppingToken).ConfigureAwait(false);
                        break;
                    case V1.ConnectResponse.MessageOneofCase.Error:
                        Log.StreamError(_logger, _options.ConnectorId, welcome.SessionId, response.Error.Reason.ToString());
                        break;
                    default:
                        // Heartbeat echoes only prove liveness; publication results belong to stream publishers.
                        break;
                }
            }

            throw new ConnectorStreamEndedException("The hub ended the stream.");
        }
        catch (Exception exception) when (exception is RpcException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            if (liveness.TimedOut)
            {
                Log.HeartbeatTimeout(_logger, _options.ConnectorId, welcome.SessionId);
            }

            // After a welcome every ending is worth one more attempt: a rejection shows again at the next handshake.
            throw new ConnectorStreamEndedException(liveness.TimedOut ? "The hub fell silent." : "The stream ended.", exception);
        }
        finally
        {
            _outbound = null;
            _sessionId = null;
            outbound.Writer.TryComplete();
            await sessionCancellation.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_writing, heartbeating).ConfigureAwait(false);
        }
    }

    private static V1.ConnectRequest StateReport(ConnectorState state, string? detail) => new()
    {
        StateReport = new V1.ConnectorStateReport { State = ProtoMapper.ToProto(state), Detail = detail ?? string.Empty },
    };

    private async Task<V1.Welcome> HandshakeAsync(AsyncDuplexStreamingCall<V1.ConnectRequest, V1.ConnectResponse> call, CancellationToken sessionToken)
    {
        var hello = new V1.ConnectRequest
        {
            Hello = new V1.ConnectorHello
            {
                ConnectorId = _options.ConnectorId,
                Platform = _platform.Id,
                Version = _options.ConnectorVersion,
                ResumeCursor = _cursor ?? string.Empty,
                ClientLibrary = ClientLibrary,
            },
        };
        try
        {
            await call.RequestStream.WriteAsync(hello, sessionToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not RpcException && !sessionToken.IsCancellationRequested)
        {
            // The hub may have ended the call already (e.g. Unauthenticated); its status arrives with the first read.
        }

        if (!await call.ResponseStream.MoveNext(sessionToken).ConfigureAwait(false))
        {
            throw new ConnectorStreamEndedException("The hub closed the stream before welcoming the connector.");
        }

        return call.ResponseStream.Current.Welcome
               ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "The hub's first message was not a welcome."));
    }

    private async Task HandleBatchAsync(V1.EventBatch batch, ChannelWriter<V1.ConnectRequest> outbound, CancellationToken stoppingToken)
    {
        string? handledCursor = null;
        var acknowledgement = new V1.EventAcknowledgement();
        try
        {
            foreach (var proto in batch.Events)
            {
                if (_seen.Contains(proto.EventId))
                {
                    Log.DuplicateSkipped(_logger, _options.ConnectorId, proto.EventId);
                }
                else
                {
                    await DispatchAsync(proto, stoppingToken).ConfigureAwait(false);
                    _seen.Add(proto.EventId);
                }

                acknowledgement.EventIds.Add(proto.EventId);
                handledCursor = string.IsNullOrEmpty(proto.Cursor) ? handledCursor : proto.Cursor;
            }
        }
        finally
        {
            // Acknowledge the handled prefix even when a handler threw, so only the failed event comes again.
            if (handledCursor is not null)
            {
                _cursor = handledCursor;
                acknowledgement.Cursor = handledCursor;
                outbound.TryWrite(new V1.ConnectRequest { Ack = acknowledgement });
                if (_cursorStore is not null)
                {
                    await _cursorStore.SaveAsync(_options.ConnectorId, handledCursor, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task DispatchAsync(V1.ConnectorEvent proto, CancellationToken stoppingToken)
    {
        var handler = _handler!;
        try
        {
            switch (ProtoMapper.ToModel(proto))
            {
                case PresenceEvent presence:
                    await handler.OnPresenceAsync(presence, stoppingToken).ConfigureAwait(false);
                    break;
                case ProfileEvent profile:
                    await handler.OnProfileAsync(profile, stoppingToken).ConfigureAwait(false);
                    break;
                case WithdrawnEvent withdrawn:
                    await handler.OnWithdrawnAsync(withdrawn, stoppingToken).ConfigureAwait(false);
                    break;
                default:
                    Log.EventSkipped(_logger, _options.ConnectorId, proto.EventId, proto.Kind.ToString());
                    break;
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            Log.HandlerFailed(_logger, _options.ConnectorId, proto.EventId, exception);
            throw;
        }
    }

    private async Task HeartbeatAsync(
        ChannelWriter<V1.ConnectRequest> outbound, TimeSpan interval, StreamLiveness liveness, CancellationTokenSource sessionCancellation)
    {
        ulong sequence = 0;
        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, sessionCancellation.Token).ConfigureAwait(false);
                if (liveness.Silence >= interval * SilentIntervalsBeforeReconnect)
                {
                    liveness.MarkTimedOut();
                    await sessionCancellation.CancelAsync().ConfigureAwait(false);
                    return;
                }

                outbound.TryWrite(new V1.ConnectRequest
                {
                    Heartbeat = new V1.Heartbeat { Sequence = ++sequence, SentAt = Timestamp.FromDateTimeOffset(_time.GetUtcNow()) },
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    private static async Task WriteAsync(
        IClientStreamWriter<V1.ConnectRequest> stream, ChannelReader<V1.ConnectRequest> outbound, CancellationToken sessionToken)
    {
        try
        {
            await foreach (var message in outbound.ReadAllAsync(sessionToken).ConfigureAwait(false))
            {
                await stream.WriteAsync(message, sessionToken).ConfigureAwait(false);
            }

            await stream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or RpcException or InvalidOperationException or IOException)
        {
            // The stream is gone; the reading side reports why.
        }
    }
}
