using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// A connector's client of the hub. It holds one stream, passes each event to the <see cref="IConnectorHandler"/>
/// in order, acknowledges events after their handler returned (delivery is at least once), drops events it has seen
/// before, heartbeats, reports the connector's state, and reconnects with exponential backoff and jitter, resuming
/// after the last handled event. It stops retrying when the hub rejects the connector (bad credentials, a platform
/// the credential does not allow, a protocol error) and shows that in <see cref="Status"/>.
/// </summary>
/// <remarks>Register it with <c>services.AddPresenceHubConnector&lt;THandler&gt;()</c> to run it as a hosted service, or create, start and dispose it yourself.</remarks>
public sealed partial class ConnectorClient : IHostedService, IAsyncDisposable
{
    private const string ClientLibrary = "presencehub-dotnet/1.0";
    private const int SilentIntervalsBeforeReconnect = 3;
    private static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ConnectorClientOptions _options;
    private readonly Func<IConnectorHandler> _handlerFactory;
    private readonly ICursorStore? _cursorStore;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Platform _platform;
    private readonly GrpcChannel _channel;
    private readonly V1.ConnectorService.ConnectorServiceClient _hub;
    private readonly EventIdWindow _seen;
    private readonly ReconnectBackoff _backoff;
    private readonly ResiliencePipeline _reconnect;
    private readonly ResiliencePipeline _calls;
    private readonly Lock _stateLock = new();

    private IConnectorHandler? _handler;
    private CancellationTokenSource? _stopping;
    private Task? _run;
    private Task? _writing;
    private volatile bool _stopRequested;
    private volatile ChannelWriter<V1.ConnectRequest>? _outbound;
    private volatile string? _cursor;
    private volatile string? _sessionId;
    private ConnectorState _reportedState = ConnectorState.Running;
    private string? _reportedDetail;
    private ConnectionStatus _status;

    /// <summary>Creates a client. Nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="handler">Handles the delivered events.</param>
    /// <param name="cursorStore">Keeps the last handled cursor across restarts; null keeps it in memory only.</param>
    /// <param name="timeProvider">The clock for heartbeats and backoff; null for the system clock.</param>
    /// <param name="loggerFactory">Where to log; null for no logging.</param>
    /// <exception cref="ValidationException">The options are invalid; the message names the setting.</exception>
    public ConnectorClient(
        ConnectorClientOptions options,
        IConnectorHandler handler,
        ICursorStore? cursorStore = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(options, HandlerOrThrow(handler), cursorStore, timeProvider, loggerFactory)
    {
    }

    internal ConnectorClient(
        ConnectorClientOptions options,
        Func<IConnectorHandler> handlerFactory,
        ICursorStore? cursorStore,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _options = options;
        _handlerFactory = handlerFactory;
        _cursorStore = cursorStore;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ConnectorClient>();
        _platform = Platform.Parse(options.Platform);
        _seen = new EventIdWindow(options.DeduplicationWindow);
        _backoff = new ReconnectBackoff(options.MinReconnectDelay, options.MaxReconnectDelay, Random.Shared);
        _channel = GrpcChannel.ForAddress(options.HubAddress!, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            },
            DisposeHttpClient = true,
        });
        _hub = new V1.ConnectorService.ConnectorServiceClient(_channel);
        _reconnect = BuildReconnectPipeline();
        _calls = BuildCallPipeline();
    }

    /// <summary>The connection status; see <see cref="StatusChanged"/>.</summary>
    public ConnectionStatus Status
    {
        get
        {
            lock (_stateLock)
            {
                return _status;
            }
        }
    }

    /// <summary>Raised on the client's own task whenever <see cref="Status"/> changes. Keep handlers short.</summary>
    public event EventHandler<ConnectionStatusChangedEventArgs>? StatusChanged;

    /// <summary>The hub's id of the current stream, for correlating logs; null when not connected.</summary>
    public string? SessionId => _sessionId;

    /// <summary>The cursor of the last handled event, sent on reconnect so the hub resumes after it; null before the first.</summary>
    public string? LastHandledCursor => _cursor;

    /// <summary>Completes when the client stopped: after <see cref="StopAsync"/>, or when the hub rejected the connector.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>Starts connecting in the background and returns; loads the saved cursor first when there is a store.</summary>
    /// <exception cref="InvalidOperationException">The client was started before.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null)
        {
            throw new InvalidOperationException("A connector client starts once; create a new one to start again.");
        }

        _handler = _handlerFactory();
        if (_cursorStore is not null && _cursor is null)
        {
            _cursor = await _cursorStore.LoadAsync(_options.ConnectorId, cancellationToken).ConfigureAwait(false);
        }

        _stopping = new CancellationTokenSource();
        Log.Starting(_logger, _options.ConnectorId, _platform.Id);
        var stoppingToken = _stopping.Token;
        _run = Task.Run(() => RunAsync(stoppingToken), CancellationToken.None);
    }

    /// <summary>
    /// Reports <see cref="ConnectorState.Stopping"/> when connected, closes the stream and waits for the background
    /// task. Safe to call more than once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _stopRequested)
        {
            if (_run is not null)
            {
                await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _stopRequested = true;
        if (_outbound is { } outbound && _writing is { } writing)
        {
            outbound.TryWrite(StateReport(ConnectorState.Stopping, null));
            outbound.TryComplete();
            try
            {
                // Let the hub read the last messages and end the call itself: cancelling first could discard them.
                await writing.WaitAsync(StopDrainTimeout, _time, cancellationToken).ConfigureAwait(false);
                await _run!.WaitAsync(StopDrainTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The hub did not end the call in time; closing anyway.
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _run!.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the client and releases its connection. Like <see cref="StopAsync"/> it waits for a running handler,
    /// whose cancellation token is cancelled: handlers should honour it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping?.Dispose();
        _channel.Dispose();
    }

    /// <summary>
    /// Reports the connector's own (platform side) state to the hub: now when connected, and again on every
    /// reconnect. Until the first report the client reports <see cref="ConnectorState.Running"/> when it connects.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="detail">A short technical detail such as an error code; never personal data.</param>
    public void ReportState(ConnectorState state, string? detail = null)
    {
        lock (_stateLock)
        {
            _reportedState = state;
            _reportedDetail = detail;
        }

        _outbound?.TryWrite(StateReport(state, detail));
    }

    /// <summary>
    /// Publishes the presence of one of the platform's users, with a unary call retried on transient failures
    /// (the publication id makes retries idempotent). The hub writes it into Teams for the linked Teams user.
    /// </summary>
    /// <param name="platformUserId">The user's id on the connector's platform.</param>
    /// <param name="state">The presence, e.g. from <c>SlackPresenceMapping.Instance.FromPlatform(...)</c>.</param>
    /// <param name="mailHint">The user's mail, a hint for linking a user the hub does not know yet; null for none.</param>
    /// <param name="version">
    /// The platform's own ordering stamp for this user (1 to 255 printable ASCII characters without spaces, compared
    /// ordinally, so numbers are zero-padded to a fixed width); null to let the hub order by arrival. Use one or the
    /// other for a platform, never both.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the hub did.</returns>
    /// <exception cref="RpcException">The hub refused the call (e.g. Unauthenticated) or stayed unreachable.</exception>
    public async Task<PublishResult> PublishPresenceAsync(
        string platformUserId,
        PresenceState state,
        string? mailHint = null,
        string? version = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platformUserId);
        ArgumentNullException.ThrowIfNull(state);
        var publicationId = Guid.NewGuid().ToString("N");
        var request = new V1.PublishPresenceRequest
        {
            Publication = ProtoMapper.ToProto(publicationId, platformUserId, state, version, _time.GetUtcNow(), mailHint),
        };
        var response = await _calls.ExecuteAsync(
            async token => await _hub.PublishPresenceAsync(request, await HeadersAsync(token).ConfigureAwait(false), cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        var result = ProtoMapper.ToModel(response.Result, publicationId);
        Log.Published(_logger, _options.ConnectorId, publicationId, result.Outcome);
        return result;
    }

    /// <summary>Returns the last-known presence of up to 650 users, in request order.</summary>
    /// <exception cref="RpcException">The hub refused the call (PermissionDenied for users of another organization) or stayed unreachable.</exception>
    public async Task<IReadOnlyList<LastKnownPresence>> GetLastKnownPresenceAsync(
        IReadOnlyList<UserReference> users,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        var request = new V1.GetLastKnownPresenceRequest();
        request.Users.AddRange(users.Select(ProtoMapper.ToProto));
        var response = await _calls.ExecuteAsync(
            async token => await _hub.GetLastKnownPresenceAsync(request, await HeadersAsync(token).ConfigureAwait(false), cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        OrganizationId.TryParse(response.OrganizationId, out var organization);
        return users
            .Select((user, index) => index < response.Presences.Count
                ? ProtoMapper.ToModel(response.Presences[index], user, organization)
                : new LastKnownPresence(user, null, null))
            .ToList();
    }

    /// <summary>Resolves platform users to Teams users and back (override table first, then mail or UPN), in request order.</summary>
    /// <exception cref="RpcException">The hub refused the call or stayed unreachable.</exception>
    public async Task<IReadOnlyList<IdentityResolution>> ResolveIdentityAsync(
        IReadOnlyList<IdentityQuery> queries,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var request = new V1.ResolveIdentityRequest();
        request.Queries.AddRange(queries.Select(ProtoMapper.ToProto));
        var response = await _calls.ExecuteAsync(
            async token => await _hub.ResolveIdentityAsync(request, await HeadersAsync(token).ConfigureAwait(false), cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        return queries
            .Select((query, index) => index < response.Resolutions.Count
                ? ProtoMapper.ToModel(response.Resolutions[index], query)
                : new IdentityResolution(query, IdentityMatch.Unspecified, null, null))
            .ToList();
    }

    private static Func<IConnectorHandler> HandlerOrThrow(IConnectorHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return () => handler;
    }

    private static bool IsRejection(StatusCode code) =>
        code is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.FailedPrecondition
            or StatusCode.InvalidArgument or StatusCode.Unimplemented;

    private static V1.ConnectRequest StateReport(ConnectorState state, string? detail) => new()
    {
        StateReport = new V1.ConnectorStateReport { State = ProtoMapper.ToProto(state), Detail = detail ?? string.Empty },
    };

    private ResiliencePipeline BuildReconnectPipeline() => new ResiliencePipelineBuilder { TimeProvider = _time }
        .AddRetry(new RetryStrategyOptions
        {
            Name = "presencehub-connector-reconnect",
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } exception && !_stopRequested &&
                !args.Context.CancellationToken.IsCancellationRequested &&
                !(exception is RpcException rpc && IsRejection(rpc.StatusCode))),
            DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(_backoff.NextDelay()),
            OnRetry = args =>
            {
                SetStatus(ConnectionStatus.Reconnecting, null);
                var reason = args.Outcome.Exception is RpcException rpc ? rpc.StatusCode.ToString() : args.Outcome.Exception?.GetType().Name;
                Log.Reconnecting(_logger, _options.ConnectorId, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds, reason);
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    private ResiliencePipeline BuildCallPipeline() => new ResiliencePipelineBuilder { TimeProvider = _time }
        .AddRetry(new RetryStrategyOptions
        {
            Name = "presencehub-connector-call",
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.MinReconnectDelay,
            MaxDelay = _options.MaxReconnectDelay,
            ShouldHandle = new PredicateBuilder()
                .Handle<RpcException>(rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Internal)
                .Handle<Polly.Timeout.TimeoutRejectedException>(),
        })
        .AddTimeout(_options.CallTimeout)
        .Build();

    private async ValueTask<Metadata> HeadersAsync(CancellationToken cancellationToken)
    {
        var token = _options.AccessTokenProvider is { } provider
            ? await provider(cancellationToken).ConfigureAwait(false)
            : _options.AccessToken!;
        // Unary calls carry the platform in a header; streams say it in their hello.
        return new Metadata { { "authorization", "Bearer " + token }, { "presencehub-platform", _options.Platform } };
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _reconnect.ExecuteAsync(RunSessionAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (RpcException rejection) when (IsRejection(rejection.StatusCode) && !_stopRequested)
        {
            Log.Rejected(_logger, _options.ConnectorId, rejection.StatusCode);
            SetStatus(ConnectionStatus.Rejected, rejection.StatusCode);
            return;
        }
        catch (Exception) when (_stopRequested || stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever the stream was doing no longer matters.
        }

        SetStatus(ConnectionStatus.Stopped, null);
        Log.Stopped(_logger, _options.ConnectorId);
    }

    private async ValueTask RunSessionAsync(CancellationToken stoppingToken)
    {
        SetStatus(ConnectionStatus.Connecting, null);
        using var sessionCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sessionToken = sessionCancellation.Token;
        var headers = await HeadersAsync(stoppingToken).ConfigureAwait(false);
        using var call = _hub.Connect(headers, cancellationToken: sessionToken);
        var welcome = await HandshakeAsync(call, sessionToken).ConfigureAwait(false);

        _backoff.Reset();
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
        SetStatus(ConnectionStatus.Connected, null);
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

    private void SetStatus(ConnectionStatus status, StatusCode? rejectionCode)
    {
        lock (_stateLock)
        {
            if (_status == status)
            {
                return;
            }

            _status = status;
        }

        StatusChanged?.Invoke(this, new ConnectionStatusChangedEventArgs(status, rejectionCode));
    }
}
