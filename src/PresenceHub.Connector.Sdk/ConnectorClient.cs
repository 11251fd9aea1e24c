using System.ComponentModel.DataAnnotations;
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
    private static readonly TimeSpan StopDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ConnectorClientOptions _options;
    private readonly Func<IConnectorHandler> _handlerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Platform _platform;
    private readonly GrpcChannel _channel;
    private readonly ConnectorStream _stream;
    private readonly ConnectorCalls _calls;
    private readonly ReconnectBackoff _backoff;
    private readonly ResiliencePipeline _reconnect;
    private readonly Lock _stateLock = new();

    private CancellationTokenSource? _stopping;
    private Task? _run;
    private volatile bool _stopRequested;
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
        _time = timeProvider ?? TimeProvider.System;
        // The stream and the calls log under the client's category, as they did when they were one class.
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ConnectorClient>();
        _platform = Platform.Parse(options.Platform);
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
        var hub = new V1.ConnectorService.ConnectorServiceClient(_channel);
        var headers = new ConnectorHeaders(options);
        _stream = new ConnectorStream(options, _platform, hub, headers, cursorStore, _time, _logger);
        _calls = new ConnectorCalls(options, hub, headers, _time, _logger);
        _reconnect = BuildReconnectPipeline();
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
    public string? SessionId => _stream.SessionId;

    /// <summary>The cursor of the last handled event, sent on reconnect so the hub resumes after it; null before the first.</summary>
    public string? LastHandledCursor => _stream.Cursor;

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

        await _stream.PrepareAsync(_handlerFactory(), cancellationToken).ConfigureAwait(false);
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
        if (_stream.BeginClose() is { } writing)
        {
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
    public void ReportState(ConnectorState state, string? detail = null) => _stream.ReportState(state, detail);

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
    public Task<PublishResult> PublishPresenceAsync(
        string platformUserId,
        PresenceState state,
        string? mailHint = null,
        string? version = null,
        CancellationToken cancellationToken = default) =>
        _calls.PublishPresenceAsync(platformUserId, state, mailHint, version, cancellationToken);

    /// <summary>Returns the last-known presence of up to 650 users, in request order.</summary>
    /// <exception cref="RpcException">The hub refused the call (PermissionDenied for users of another organization) or stayed unreachable.</exception>
    public Task<IReadOnlyList<LastKnownPresence>> GetLastKnownPresenceAsync(
        IReadOnlyList<UserReference> users,
        CancellationToken cancellationToken = default) =>
        _calls.GetLastKnownPresenceAsync(users, cancellationToken);

    /// <summary>Resolves platform users to Teams users and back (override table first, then mail or UPN), in request order.</summary>
    /// <exception cref="RpcException">The hub refused the call or stayed unreachable.</exception>
    public Task<IReadOnlyList<IdentityResolution>> ResolveIdentityAsync(
        IReadOnlyList<IdentityQuery> queries,
        CancellationToken cancellationToken = default) =>
        _calls.ResolveIdentityAsync(queries, cancellationToken);

    private static Func<IConnectorHandler> HandlerOrThrow(IConnectorHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return () => handler;
    }

    private static bool IsRejection(StatusCode code) =>
        code is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.FailedPrecondition
            or StatusCode.InvalidArgument or StatusCode.Unimplemented;

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
        await _stream.RunAsync(OnConnected, stoppingToken).ConfigureAwait(false);
    }

    private void OnConnected()
    {
        _backoff.Reset();
        SetStatus(ConnectionStatus.Connected, null);
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
