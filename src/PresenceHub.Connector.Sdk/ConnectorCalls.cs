using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// The connector's unary calls to the hub (publish, last-known presence, identity resolution), each with the
/// authenticated headers, retried on transient failures within a per-attempt timeout, and mapped to the SDK's model.
/// </summary>
internal sealed partial class ConnectorCalls
{
    private readonly ConnectorClientOptions _options;
    private readonly V1.ConnectorService.ConnectorServiceClient _hub;
    private readonly ConnectorHeaders _headers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _calls;

    public ConnectorCalls(
        ConnectorClientOptions options,
        V1.ConnectorService.ConnectorServiceClient hub,
        ConnectorHeaders headers,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _hub = hub;
        _headers = headers;
        _time = time;
        _logger = logger;
        _calls = BuildCallPipeline();
    }

    public async Task<PublishResult> PublishPresenceAsync(
        string platformUserId,
        PresenceState state,
        string? mailHint,
        string? version,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platformUserId);
        ArgumentNullException.ThrowIfNull(state);
        var publicationId = Guid.NewGuid().ToString("N");
        var request = new V1.PublishPresenceRequest
        {
            Publication = ProtoMapper.ToProto(publicationId, platformUserId, state, version, _time.GetUtcNow(), mailHint),
        };
        var response = await _calls.ExecuteAsync(
            async token => await _hub.PublishPresenceAsync(request, await _headers.CreateAsync(token).ConfigureAwait(false), cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        var result = ProtoMapper.ToModel(response.Result, publicationId);
        Log.Published(_logger, _options.ConnectorId, publicationId, result.Outcome);
        return result;
    }

    public async Task<IReadOnlyList<LastKnownPresence>> GetLastKnownPresenceAsync(
        IReadOnlyList<UserReference> users,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        var request = new V1.GetLastKnownPresenceRequest();
        request.Users.AddRange(users.Select(ProtoMapper.ToProto));
        var response = await _calls.ExecuteAsync(
            async token => await _hub.GetLastKnownPresenceAsync(request, await _headers.CreateAsync(token).ConfigureAwait(false), cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        OrganizationId.TryParse(response.OrganizationId, out var organization);
        return users
            .Select((user, index) => index < response.Presences.Count
                ? ProtoMapper.ToModel(response.Presences[index], user, organization)
                : new LastKnownPresence(user, null, null))
            .ToList();
    }

    public async Task<IReadOnlyList<IdentityResolution>> ResolveIdentityAsync(
        IReadOnlyList<IdentityQuery> queries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var request = new V1.ResolveIdentityRequest();
        request.Queries.AddRange(queries.Select(ProtoMapper.ToProto));
        var response = await _calls.ExecuteAsync(
            async token => await _hub.ResolveIdentityAsync(request, await _headers.CreateAsync(token).ConfigureAwait(false), cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        return queries
            .Select((query, index) => index < response.Resolutions.Count
                ? ProtoMapper.ToModel(response.Resolutions[index], query)
                : new IdentityResolution(query, IdentityMatch.Unspecified, null, null))
            .ToList();
    }

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
}
