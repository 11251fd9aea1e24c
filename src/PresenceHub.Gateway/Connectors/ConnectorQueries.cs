using Grpc.Core;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Answers the connector API's unary queries for an authenticated caller: last-known presence and identity
/// resolution. Naming a Teams user outside the organization's federation is PermissionDenied; users who paused or do
/// not share out are answered as not found.
/// </summary>
internal sealed class ConnectorQueries(
    ConnectorCallRules rules,
    IdentityResolver identities,
    IPresenceRelay relay,
    IUserDirectory directory,
    IIdentityLinkStore links,
    IConsentStore consents,
    IPrivacySettingsStore privacy,
    IOptionsMonitor<ConnectorOptions> options)
{
    public async Task<V1.GetLastKnownPresenceResponse> GetLastKnownPresenceAsync(
        ConnectorCaller caller, V1.GetLastKnownPresenceRequest request, ServerCallContext context)
    {
        CheckCount(request.Users.Count);
        var token = context.CancellationToken;
        await rules.RequireFederatedPlatformAsync(caller, rules.AllowedPlatform(caller, context), token).ConfigureAwait(false);
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
                _ => throw ConnectorCallRules.Invalid($"users[{i}] names no user."),
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

    public async Task<V1.ResolveIdentityResponse> ResolveIdentityAsync(ConnectorCaller caller, V1.ResolveIdentityRequest request, ServerCallContext context)
    {
        CheckCount(request.Queries.Count);
        var token = context.CancellationToken;
        await rules.RequireFederatedPlatformAsync(caller, rules.AllowedPlatform(caller, context), token).ConfigureAwait(false);
        await RequireEntitledAsync(caller,
            request.Queries.Select(q => q.SubjectCase == V1.IdentityQuery.SubjectOneofCase.TeamsUserId ? NormalizeUserId(q.TeamsUserId) : null), token)
            .ConfigureAwait(false);
        var platform = ConnectorCallRules.OptionalPlatform(context);
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
                throw rules.Denied(caller, match.Refusal!);
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
            throw rules.Denied(caller, "The request names Teams users outside the federation of your organization.");
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
        var platform = ConnectorCallRules.OptionalPlatform(context)
            ?? throw ConnectorCallRules.Invalid($"Platform user references need the '{ConnectorCallRules.PlatformHeader}' header.");
        var linked = await links.FindTeamsUserAsync(caller.Organization, platform, platformUserId, token).ConfigureAwait(false);
        return linked is not null && (await consents.AreConsentingAsync(caller.Organization, [linked], token).ConfigureAwait(false))[0] ? linked : null;
    }

    private void CheckCount(int count)
    {
        var max = options.CurrentValue.MaxUsersPerRequest;
        if (count > max)
        {
            throw ConnectorCallRules.Invalid($"At most {max} users per request.");
        }
    }

    /// <summary>A Teams user id as stored: the lowercase GUID; anything else matches nobody.</summary>
    private static string NormalizeUserId(string value) => Guid.TryParse(value, out var id) ? id.ToString("D") : value;

    private static V1.IdentityMatch ToProto(IdentityMatchKind kind) => kind switch
    {
        IdentityMatchKind.Override => V1.IdentityMatch.Override,
        IdentityMatchKind.Mail => V1.IdentityMatch.Mail,
        IdentityMatchKind.UserPrincipalName => V1.IdentityMatch.UserPrincipalName,
        IdentityMatchKind.Ambiguous => V1.IdentityMatch.Ambiguous,
        _ => V1.IdentityMatch.None,
    };
}
