using Grpc.Core;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The connector API (protos/presencehub/v1/connector_service.proto). Every call is authenticated and answered for
/// the credential's organization only; naming a Teams user the organization does not federate fails the call with
/// PermissionDenied and reveals nothing about that user. A platform the organization's federation policy does not
/// allow is PermissionDenied on every call that names it (the stream's hello, the platform header, or the credential's
/// own platform); users who do not share out are not found.
/// </summary>
internal sealed class ConnectorService(
    ConnectorAuthenticator authenticator,
    ConnectorSessionRegistry sessions,
    ConnectorSessionServices services,
    ConnectorPublisher publisher,
    IdentityResolver identities,
    IPresenceRelay relay,
    IUserDirectory directory,
    IIdentityLinkStore links,
    IConsentStore consents,
    IFederationPolicyStore policies,
    IPrivacySettingsStore privacy,
    ConnectorRateLimiter rateLimiter,
    IOptionsMonitor<ConnectorOptions> options,
    TimeProvider time,
    ILogger<ConnectorService> logger) : V1.ConnectorService.ConnectorServiceBase
{
    /// <summary>Names the connector's platform on unary calls (streams say it in their hello).</summary>
    public const string PlatformHeader = "presencehub-platform";

    /// <summary>Longest resume cursor accepted; every cursor the hub writes is shorter.</summary>
    private const int MaxCursorLength = 256;

    public override async Task Connect(
        IAsyncStreamReader<V1.ConnectRequest> requestStream, IServerStreamWriter<V1.ConnectResponse> responseStream, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        var hello = await ReadHelloAsync(requestStream, context).ConfigureAwait(false);
        if (!ConnectorFeedId.IsValidName(hello.ConnectorId) || !char.IsAsciiLetterOrDigit(hello.ConnectorId[0]))
        {
            throw Invalid($"connector_id must be 1 to {ConnectorFeedId.MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit (e.g. 'slack-bridge-1').");
        }

        if (hello.ResumeCursor.Length > MaxCursorLength)
        {
            throw Invalid($"resume_cursor is at most {MaxCursorLength} characters: send the cursor of the last event you handled, unchanged.");
        }

        var platform = ParsePlatform(hello.Platform);
        if (!caller.Allows(platform))
        {
            throw Denied(caller, "The credential does not allow this platform.");
        }

        await RequireFederatedPlatformAsync(caller, platform, context.CancellationToken).ConfigureAwait(false);
        try
        {
            await using var feed = await relay.OpenFeedAsync(new ConnectorFeedId(caller.Organization, hello.ConnectorId), hello.ConnectorId,
                hello.ResumeCursor.Length > 0 ? hello.ResumeCursor : null, context.CancellationToken).ConfigureAwait(false);
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
        catch (RelayUnavailableException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The relay is unavailable; reconnect and resume."));
        }
    }

    public override async Task<V1.GetLastKnownPresenceResponse> GetLastKnownPresence(V1.GetLastKnownPresenceRequest request, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        CheckCount(request.Users.Count);
        var token = context.CancellationToken;
        await RequireFederatedPlatformAsync(caller, AllowedPlatform(caller, context), token).ConfigureAwait(false);
        var userIds = new string?[request.Users.Count];
        for (var i = 0; i < request.Users.Count; i++)
        {
            var reference = request.Users[i];
            userIds[i] = reference.ReferenceCase switch
            {
                V1.UserReference.ReferenceOneofCase.TeamsUserId => NormalizeUserId(reference.TeamsUserId),
                V1.UserReference.ReferenceOneofCase.UserPrincipalName =>
                    (await identities.ResolveAddressAsync(caller.Organization, reference.UserPrincipalName, token).ConfigureAwait(false)).TeamsUserId,
                V1.UserReference.ReferenceOneofCase.PlatformUserId =>
                    await LinkedTeamsUserAsync(caller, context, reference.PlatformUserId, token).ConfigureAwait(false),
                _ => throw Invalid($"users[{i}] names no user."),
            };
        }

        await RequireEntitledAsync(caller, request.Users.Select((r, i) => r.ReferenceCase == V1.UserReference.ReferenceOneofCase.TeamsUserId ? userIds[i] : null), token)
            .ConfigureAwait(false);
        await ForgetWithheldAsync(caller, userIds, token).ConfigureAwait(false);
        var known = userIds.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var presences = await relay.GetLastKnownAsync(caller.Organization, known.Select(id => new PresenceSubject(Platform.Teams, id)).ToList(), token)
            .ConfigureAwait(false);
        var profiles = await directory.GetManyAsync(caller.Organization, known, token).ConfigureAwait(false);
        var byUser = known.Select((id, i) => (id, presences[i], profiles[i])).ToDictionary(x => x.id, x => (x.Item2, x.Item3), StringComparer.Ordinal);

        var response = new V1.GetLastKnownPresenceResponse { OrganizationId = caller.Organization.ToString() };
        for (var i = 0; i < request.Users.Count; i++)
        {
            response.Presences.Add(userIds[i] is { } id
                ? ConnectorProtoMapper.ToProto(request.Users[i], id, byUser[id].Item2, byUser[id].Item1)
                : new V1.LastKnownPresence { Requested = request.Users[i], Found = false });
        }

        return response;
    }

    public override async Task<V1.ResolveIdentityResponse> ResolveIdentity(V1.ResolveIdentityRequest request, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        CheckCount(request.Queries.Count);
        var token = context.CancellationToken;
        await RequireFederatedPlatformAsync(caller, AllowedPlatform(caller, context), token).ConfigureAwait(false);
        await RequireEntitledAsync(caller,
            request.Queries.Select(q => q.SubjectCase == V1.IdentityQuery.SubjectOneofCase.TeamsUserId ? NormalizeUserId(q.TeamsUserId) : null), token)
            .ConfigureAwait(false);
        var platform = OptionalPlatform(context);
        var response = new V1.ResolveIdentityResponse();
        foreach (var query in request.Queries)
        {
            var match = query.SubjectCase switch
            {
                V1.IdentityQuery.SubjectOneofCase.PlatformIdentity when platform is { } p =>
                    await identities.ResolvePlatformUserAsync(caller.Organization, p, query.PlatformIdentity.PlatformUserId,
                        query.PlatformIdentity.Mail.Length > 0 ? query.PlatformIdentity.Mail : null, token).ConfigureAwait(false),
                V1.IdentityQuery.SubjectOneofCase.PlatformIdentity when query.PlatformIdentity.Mail.Length > 0 =>
                    await identities.ResolvePlatformAddressAsync(caller.Organization, query.PlatformIdentity.Mail, token).ConfigureAwait(false),
                V1.IdentityQuery.SubjectOneofCase.TeamsUserId => new IdentityMatchResult(IdentityMatchKind.Override, NormalizeUserId(query.TeamsUserId)),
                V1.IdentityQuery.SubjectOneofCase.UserPrincipalName =>
                    await identities.ResolveAddressAsync(caller.Organization, query.UserPrincipalName, token).ConfigureAwait(false),
                _ => IdentityMatchResult.None,
            };
            if (match.Kind == IdentityMatchKind.Refused)
            {
                throw Denied(caller, match.Refusal!);
            }

            if (match.TeamsUserId is { } matched && !(await privacy.GetManyAsync(caller.Organization, [matched], token).ConfigureAwait(false))[0].SharesOut)
            {
                // Someone who paused or does not share out is not found, as in GetLastKnownPresence.
                match = IdentityMatchResult.None;
            }

            var resolution = new V1.IdentityResolution { Query = query, Match = ToProto(match.Kind) };
            if (match.TeamsUserId is { } teamsUserId)
            {
                var profile = (await directory.GetManyAsync(caller.Organization, [teamsUserId], token).ConfigureAwait(false))[0];
                resolution.User = ConnectorProtoMapper.ToProto(teamsUserId, profile);
                if (query.SubjectCase == V1.IdentityQuery.SubjectOneofCase.TeamsUserId)
                {
                    // Asked by Teams user: the answer is who they are on the caller's platform, when linked.
                    resolution.Match = V1.IdentityMatch.None;
                    if (platform is { } p && (await links.FindPlatformUsersAsync(caller.Organization, p, [teamsUserId], token).ConfigureAwait(false))[0] is { } platformUserId)
                    {
                        resolution.PlatformUserId = platformUserId;
                        resolution.Match = V1.IdentityMatch.Override;
                    }
                }
                else if (query.SubjectCase == V1.IdentityQuery.SubjectOneofCase.PlatformIdentity)
                {
                    resolution.PlatformUserId = query.PlatformIdentity.PlatformUserId;
                }
            }

            response.Resolutions.Add(resolution);
        }

        return response;
    }

    public override async Task<V1.PublishPresenceResponse> PublishPresence(V1.PublishPresenceRequest request, ServerCallContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        var platform = OptionalPlatform(context) ?? throw Invalid($"Unary publications name the connector's platform in the '{PlatformHeader}' header.");
        if (!caller.Allows(platform))
        {
            throw Denied(caller, "The credential does not allow this platform.");
        }

        await RequireFederatedPlatformAsync(caller, platform, context.CancellationToken).ConfigureAwait(false);
        if (request.Publication is null)
        {
            throw Invalid("publication is required.");
        }

        if (!rateLimiter.TryAcquire(caller.CredentialId))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"More than {options.CurrentValue.PublicationsPerSecond} publications per second."));
        }

        try
        {
            return new V1.PublishPresenceResponse
            {
                Result = await publisher.PublishAsync(caller, platform, request.Publication, caller.CredentialId, context.CancellationToken).ConfigureAwait(false),
            };
        }
        catch (RelayUnavailableException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The relay is unavailable; publish again."));
        }
    }

    private async Task<V1.ConnectorHello> ReadHelloAsync(IAsyncStreamReader<V1.ConnectRequest> requestStream, ServerCallContext context)
    {
        using var timeout = new CancellationTokenSource(options.CurrentValue.HeartbeatInterval * 3, time);
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

    private async Task RequireEntitledAsync(ConnectorCaller caller, IEnumerable<string?> teamsUserIds, CancellationToken token)
    {
        var named = teamsUserIds.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (named.Count == 0)
        {
            return;
        }

        var consenting = await consents.AreConsentingAsync(caller.Organization, named, token).ConfigureAwait(false);
        if (consenting.Any(c => !c))
        {
            throw Denied(caller, "The request names Teams users outside the federation of your organization.");
        }
    }

    /// <summary>Refuses a platform, named by the call or bound to the credential, that the organization does not federate.</summary>
    private async Task RequireFederatedPlatformAsync(ConnectorCaller caller, Platform? named, CancellationToken token)
    {
        var platforms = new[] { named, caller.AllowedPlatform }.OfType<Platform>().Distinct().ToList();
        if (platforms.Count == 0)
        {
            return;
        }

        var policy = await policies.GetAsync(caller.Organization, token).ConfigureAwait(false);
        foreach (var platform in platforms)
        {
            if (!policy.AllowsPlatform(platform))
            {
                throw Denied(caller, $"The organization's federation policy does not allow platform '{platform.Id}'.");
            }
        }
    }

    /// <summary>Users who paused or do not share out are answered as not found.</summary>
    private async Task ForgetWithheldAsync(ConnectorCaller caller, string?[] userIds, CancellationToken token)
    {
        var named = userIds.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (named.Count == 0)
        {
            return;
        }

        var settings = await privacy.GetManyAsync(caller.Organization, named, token).ConfigureAwait(false);
        var withheld = named.Where((_, i) => !settings[i].SharesOut).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < userIds.Length; i++)
        {
            if (userIds[i] is { } id && withheld.Contains(id))
            {
                userIds[i] = null;
            }
        }
    }

    private async Task<string?> LinkedTeamsUserAsync(ConnectorCaller caller, ServerCallContext context, string platformUserId, CancellationToken token)
    {
        var platform = OptionalPlatform(context) ?? throw Invalid($"Platform user references need the '{PlatformHeader}' header.");
        var linked = await links.FindTeamsUserAsync(caller.Organization, platform, platformUserId, token).ConfigureAwait(false);
        return linked is not null && (await consents.AreConsentingAsync(caller.Organization, [linked], token).ConfigureAwait(false))[0] ? linked : null;
    }

    private void CheckCount(int count)
    {
        var max = options.CurrentValue.MaxUsersPerRequest;
        if (count > max)
        {
            throw Invalid($"At most {max} users per request.");
        }
    }

    /// <summary>The platform a unary call names, which the credential must allow; null when it names none.</summary>
    private Platform? AllowedPlatform(ConnectorCaller caller, ServerCallContext context) =>
        OptionalPlatform(context) is { } platform && !caller.Allows(platform)
            ? throw Denied(caller, "The credential does not allow this platform.")
            : OptionalPlatform(context);

    private static Platform? OptionalPlatform(ServerCallContext context) =>
        context.RequestHeaders.GetValue(PlatformHeader) is { Length: > 0 } value ? ParsePlatform(value) : null;

    private static Platform ParsePlatform(string value)
    {
        if (!Platform.TryParse(value, out var platform) || platform.Id != value)
        {
            throw Invalid($"platform must be a lowercase token: 1 to {Platform.MaxLength} lowercase letters, digits or '-', starting with a letter (e.g. 'slack').");
        }

        if (platform == Platform.Teams)
        {
            throw Invalid("Connectors bridge other platforms; Teams presence comes from Graph.");
        }

        return platform;
    }

    /// <summary>A Teams user id as stored: the lowercase GUID; anything else matches nobody.</summary>
    private static string NormalizeUserId(string value) => Guid.TryParse(value, out var id) ? id.ToString("D") : value;

    private RpcException Denied(ConnectorCaller caller, string detail)
    {
        services.Metrics.Rejected("permission_denied");
        ConnectorLog.Refused(logger, caller.Organization.ToString(), "permission_denied");
        return new RpcException(new Status(StatusCode.PermissionDenied, detail));
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    private static V1.IdentityMatch ToProto(IdentityMatchKind kind) => kind switch
    {
        IdentityMatchKind.Override => V1.IdentityMatch.Override,
        IdentityMatchKind.Mail => V1.IdentityMatch.Mail,
        IdentityMatchKind.UserPrincipalName => V1.IdentityMatch.UserPrincipalName,
        IdentityMatchKind.Ambiguous => V1.IdentityMatch.Ambiguous,
        _ => V1.IdentityMatch.None,
    };
}
