using Grpc.Core;
using PresenceHub.Gateway.Relay;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The connector API (protos/presencehub/v1/connector_service.proto). Every call is authenticated and answered for
/// the credential's organization only; naming a Teams user the organization does not federate fails the call with
/// PermissionDenied and reveals nothing about that user. A platform the organization's federation policy does not
/// allow is PermissionDenied on every call that names it (the stream's hello, the platform header, or the credential's
/// own platform); users who do not share out are not found. The checks live in <see cref="ConnectorCallRules"/>, the
/// unary queries in <see cref="ConnectorQueries"/>.
/// </summary>
internal sealed class ConnectorService(
    ConnectorAuthenticator authenticator,
    ConnectorCallRules rules,
    ConnectorQueries queries,
    ConnectorSessionRegistry sessions,
    ConnectorSessionServices services,
    IPresenceRelay relay,
    ILogger<ConnectorService> logger) : V1.ConnectorService.ConnectorServiceBase
{
    /// <summary>Names the connector's platform on unary calls (streams say it in their hello).</summary>
    public const string PlatformHeader = ConnectorCallRules.PlatformHeader;

    /// <summary>Longest resume cursor accepted; every cursor the hub writes is shorter.</summary>
    private const int MaxCursorLength = 256;

    public override async Task Connect(
        IAsyncStreamReader<V1.ConnectRequest> requestStream, IServerStreamWriter<V1.ConnectResponse> responseStream, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        var hello = await ReadHelloAsync(requestStream, context).ConfigureAwait(false);
        if (!ConnectorFeedId.IsValidName(hello.ConnectorId) || !char.IsAsciiLetterOrDigit(hello.ConnectorId[0]))
        {
            throw ConnectorCallRules.Invalid($"connector_id must be 1 to {ConnectorFeedId.MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit (e.g. 'slack-bridge-1').");
        }

        if (hello.ResumeCursor.Length > MaxCursorLength)
        {
            throw ConnectorCallRules.Invalid($"resume_cursor is at most {MaxCursorLength} characters: send the cursor of the last event you handled, unchanged.");
        }

        var platform = ConnectorCallRules.ParsePlatform(hello.Platform);
        rules.RequireAllowed(caller, platform);
        await rules.RequireFederatedPlatformAsync(caller, platform, context.CancellationToken).ConfigureAwait(false);
        try
        {
            await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(caller.Organization, hello.ConnectorId), hello.ConnectorId,
                ResumeCursor(hello), context.CancellationToken).ConfigureAwait(false);
            var session = new ConnectorSession(caller, hello.ConnectorId, platform, feed, responseStream, services);
            sessions.Register(session);
            services.Metrics.StreamOpened();
            ConnectorLog.Connected(logger, hello.ConnectorId, platform.Id, hello.Version, caller.Organization.ToString(), session.SessionId, caller.CredentialId);
            var reason = "closed by the connector";
            try
            {
                var outcome = feed.Start switch
                {
                    FeedStart.Resumed => V1.ResumeOutcome.Resumed,
                    FeedStart.Fresh => V1.ResumeOutcome.Fresh,
                    _ => V1.ResumeOutcome.Snapshot,
                };
                await session.RunAsync(requestStream, session.Welcome(outcome), context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                reason = e is RpcException rpc ? rpc.Status.Detail : e.GetType().Name;
                throw;
            }
            finally
            {
                sessions.Remove(session);
                services.Metrics.StreamClosed();
                ConnectorLog.Disconnected(logger, session.SessionId, reason);
            }
        }
        catch (StateUnavailableException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The relay is unavailable; reconnect and resume."));
        }
    }

    public override async Task<V1.GetLastKnownPresenceResponse> GetLastKnownPresence(V1.GetLastKnownPresenceRequest request, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        return await queries.GetLastKnownPresenceAsync(caller, request, context).ConfigureAwait(false);
    }

    public override async Task<V1.ResolveIdentityResponse> ResolveIdentity(V1.ResolveIdentityRequest request, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        return await queries.ResolveIdentityAsync(caller, request, context).ConfigureAwait(false);
    }

    public override async Task<V1.PublishPresenceResponse> PublishPresence(V1.PublishPresenceRequest request, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        var platform = ConnectorCallRules.OptionalPlatform(context)
            ?? throw ConnectorCallRules.Invalid($"Unary publications name the connector's platform in the '{PlatformHeader}' header.");
        rules.RequireAllowed(caller, platform);
        await rules.RequireFederatedPlatformAsync(caller, platform, context.CancellationToken).ConfigureAwait(false);
        if (request.Publication is null)
        {
            throw ConnectorCallRules.Invalid("publication is required.");
        }

        if (!services.RateLimiter.TryAcquire(caller.CredentialId))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"More than {services.Options.CurrentValue.PublicationsPerSecond} publications per second."));
        }

        try
        {
            return new V1.PublishPresenceResponse
            {
                Result = await services.Publish(caller, platform, request.Publication, caller.CredentialId, context.CancellationToken).ConfigureAwait(false),
            };
        }
        catch (StateUnavailableException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The relay is unavailable; publish again."));
        }
    }

    private async Task<V1.ConnectorHello> ReadHelloAsync(IAsyncStreamReader<V1.ConnectRequest> requestStream, ServerCallContext context)
    {
        using var timeout = new CancellationTokenSource(services.Options.CurrentValue.HeartbeatInterval * 3, services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.CancellationToken);
        try
        {
            if (await requestStream.MoveNext(linked.Token).ConfigureAwait(false) && requestStream.Current.Hello is { } hello)
            {
                return hello;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "No hello arrived in time."));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The first message is not a ConnectRequest."));
        }

        throw new RpcException(new Status(StatusCode.FailedPrecondition, "The first message on the stream must be a hello."));
    }

    /// <summary>
    /// The relay position a hello resumes after: the profile sent along with a snapshot presence resumes as that
    /// presence; null when the hello names none.
    /// </summary>
    private static string? ResumeCursor(V1.ConnectorHello hello) => hello.ResumeCursor switch
    {
        "" => null,
        var cursor when cursor.EndsWith(ConnectorProtoMapper.SnapshotProfileSuffix, StringComparison.Ordinal) =>
            cursor[..^ConnectorProtoMapper.SnapshotProfileSuffix.Length],
        var cursor => cursor,
    };
}
