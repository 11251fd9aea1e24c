using Google.Protobuf.WellKnownTypes;
using PresenceHub.Connectors.Contracts;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// Converts between the wire messages and the SDK's public types, in both directions. The presence state inside them
/// goes through <see cref="PresenceStateMapping"/>, which the gateway shares.
/// </summary>
internal static class ProtoMapper
{
    /// <summary>Reads an event; null when it is of a kind this client does not know or is malformed (it is acknowledged and skipped).</summary>
    public static ConnectorEvent? ToModel(V1.ConnectorEvent proto)
    {
        if (string.IsNullOrEmpty(proto.EventId) || string.IsNullOrEmpty(proto.Cursor) ||
            !OrganizationId.TryParse(proto.OrganizationId, out var organization) || proto.User is null ||
            string.IsNullOrEmpty(proto.User.TeamsUserId))
        {
            return null;
        }

        var user = ToModel(proto.User);
        var platformUserId = NullIfEmpty(proto.PlatformUserId);
        var observedAt = proto.ObservedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;
        var traceParent = NullIfEmpty(proto.TraceContext?.Traceparent);
        switch (proto.Kind)
        {
            case V1.EventKind.Presence when proto.Presence is { } change:
                var source = Platform.TryParse(proto.SourcePlatform, out var parsedSource) ? parsedSource : Platform.Teams;
                var origin = Platform.TryParse(proto.OriginPlatform, out var parsedOrigin) ? parsedOrigin : source;
                var version = PresenceVersion.TryParse(proto.Version, out var parsedVersion) ? parsedVersion : default;
                var update = new PresenceUpdate(organization, user.TeamsUserId, source, PresenceStateMapping.ToModel(change.Presence), version, origin, observedAt);
                return new PresenceEvent(proto.EventId, proto.Cursor, organization, user, platformUserId, observedAt, traceParent,
                    update, (int)Math.Min(change.CoalescedCount, int.MaxValue), change.Snapshot);
            case V1.EventKind.Profile when proto.Profile is { } profile:
                return new ProfileEvent(proto.EventId, proto.Cursor, organization, user, platformUserId, observedAt, traceParent,
                    ToModel(profile.Profile));
            case V1.EventKind.Withdrawn:
                return new WithdrawnEvent(proto.EventId, proto.Cursor, organization, user, platformUserId, observedAt, traceParent,
                    ToModel(proto.Withdrawal?.Reason ?? V1.WithdrawalReason.Unspecified));
            default:
                return null;
        }
    }

    public static TeamsUserIdentity ToModel(V1.TeamsUser proto) =>
        new(proto.TeamsUserId, NullIfEmpty(proto.UserPrincipalName), NullIfEmpty(proto.Mail));

    public static V1.TeamsUser ToProto(TeamsUserIdentity user) => new()
    {
        TeamsUserId = user.TeamsUserId,
        UserPrincipalName = user.UserPrincipalName ?? string.Empty,
        Mail = user.Mail ?? string.Empty,
    };

    public static UserProfile ToModel(V1.UserProfile? proto) => proto is null
        ? new UserProfile(null)
        : new UserProfile(NullIfEmpty(proto.DisplayName), NullIfEmpty(proto.Mail), NullIfEmpty(proto.UserPrincipalName),
            NullIfEmpty(proto.JobTitle), proto.AccountEnabled);

    public static V1.UserProfile ToProto(UserProfile profile) => new()
    {
        DisplayName = profile.DisplayName ?? string.Empty,
        Mail = profile.Mail ?? string.Empty,
        UserPrincipalName = profile.UserPrincipalName ?? string.Empty,
        JobTitle = profile.JobTitle ?? string.Empty,
        AccountEnabled = profile.AccountEnabled,
    };

    public static WithdrawalReason ToModel(V1.WithdrawalReason reason) => reason switch
    {
        V1.WithdrawalReason.UserRemoved => WithdrawalReason.UserRemoved,
        V1.WithdrawalReason.OptedOut => WithdrawalReason.OptedOut,
        V1.WithdrawalReason.EntitlementRevoked => WithdrawalReason.EntitlementRevoked,
        _ => WithdrawalReason.Unspecified,
    };

    public static V1.WithdrawalReason ToProto(WithdrawalReason reason) => reason switch
    {
        WithdrawalReason.UserRemoved => V1.WithdrawalReason.UserRemoved,
        WithdrawalReason.OptedOut => V1.WithdrawalReason.OptedOut,
        WithdrawalReason.EntitlementRevoked => V1.WithdrawalReason.EntitlementRevoked,
        _ => V1.WithdrawalReason.Unspecified,
    };

    public static V1.ConnectorState ToProto(ConnectorState state) => state switch
    {
        ConnectorState.Starting => V1.ConnectorState.Starting,
        ConnectorState.Running => V1.ConnectorState.Running,
        ConnectorState.TransientDisconnect => V1.ConnectorState.TransientDisconnect,
        ConnectorState.BadCredentials => V1.ConnectorState.BadCredentials,
        ConnectorState.Degraded => V1.ConnectorState.Degraded,
        ConnectorState.Stopping => V1.ConnectorState.Stopping,
        _ => V1.ConnectorState.Unspecified,
    };

    public static ConnectorState? ToModel(V1.ConnectorState state) => state switch
    {
        V1.ConnectorState.Starting => ConnectorState.Starting,
        V1.ConnectorState.Running => ConnectorState.Running,
        V1.ConnectorState.TransientDisconnect => ConnectorState.TransientDisconnect,
        V1.ConnectorState.BadCredentials => ConnectorState.BadCredentials,
        V1.ConnectorState.Degraded => ConnectorState.Degraded,
        V1.ConnectorState.Stopping => ConnectorState.Stopping,
        _ => null,
    };

    public static PublishResult ToModel(V1.PublicationResult? proto, string publicationId) => proto is null
        ? new PublishResult(publicationId, PublicationOutcome.Unspecified, null, null)
        : new PublishResult(
            string.IsNullOrEmpty(proto.PublicationId) ? publicationId : proto.PublicationId,
            ToModel(proto.Outcome),
            NullIfEmpty(proto.TeamsUserId),
            NullIfEmpty(proto.Detail));

    public static PublicationOutcome ToModel(V1.PublicationOutcome outcome) => outcome switch
    {
        V1.PublicationOutcome.Accepted => PublicationOutcome.Accepted,
        V1.PublicationOutcome.Stale => PublicationOutcome.Stale,
        V1.PublicationOutcome.UnlinkedUser => PublicationOutcome.UnlinkedUser,
        V1.PublicationOutcome.Rejected => PublicationOutcome.Rejected,
        _ => PublicationOutcome.Unspecified,
    };

    public static V1.PublicationOutcome ToProto(PublicationOutcome outcome) => outcome switch
    {
        PublicationOutcome.Accepted => V1.PublicationOutcome.Accepted,
        PublicationOutcome.Stale => V1.PublicationOutcome.Stale,
        PublicationOutcome.UnlinkedUser => V1.PublicationOutcome.UnlinkedUser,
        PublicationOutcome.Rejected => V1.PublicationOutcome.Rejected,
        _ => V1.PublicationOutcome.Unspecified,
    };

    public static V1.PresencePublication ToProto(
        string publicationId, string platformUserId, PresenceState state, string? version, DateTimeOffset observedAt, string? mailHint) => new()
    {
        PublicationId = publicationId,
        PlatformUserId = platformUserId,
        Presence = PresenceStateMapping.ToProto(state),
        Version = version ?? string.Empty,
        ObservedAt = Timestamp.FromDateTimeOffset(observedAt),
        MailHint = mailHint ?? string.Empty,
    };

    public static V1.UserReference ToProto(UserReference reference)
    {
        var proto = new V1.UserReference();
        if (reference.TeamsUserId is { } teamsUserId)
        {
            proto.TeamsUserId = teamsUserId;
        }
        else if (reference.UserPrincipalName is { } userPrincipalName)
        {
            proto.UserPrincipalName = userPrincipalName;
        }
        else if (reference.PlatformUserId is { } platformUserId)
        {
            proto.PlatformUserId = platformUserId;
        }

        return proto;
    }

    public static LastKnownPresence ToModel(V1.LastKnownPresence proto, UserReference requested, OrganizationId organization)
    {
        if (!proto.Found || proto.User is null || string.IsNullOrEmpty(proto.User.TeamsUserId))
        {
            return new LastKnownPresence(requested, null, null);
        }

        var user = ToModel(proto.User);
        var source = Platform.TryParse(proto.SourcePlatform, out var parsedSource) ? parsedSource : Platform.Teams;
        var origin = Platform.TryParse(proto.OriginPlatform, out var parsedOrigin) ? parsedOrigin : source;
        var version = PresenceVersion.TryParse(proto.Version, out var parsedVersion) ? parsedVersion : default;
        var update = new PresenceUpdate(organization, user.TeamsUserId, source, PresenceStateMapping.ToModel(proto.Presence), version, origin,
            proto.ObservedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue);
        return new LastKnownPresence(requested, user, update);
    }

    public static V1.IdentityQuery ToProto(IdentityQuery query)
    {
        var proto = new V1.IdentityQuery();
        if (query.PlatformUserId is { } platformUserId)
        {
            proto.PlatformIdentity = new V1.PlatformIdentity { PlatformUserId = platformUserId, Mail = query.Mail ?? string.Empty };
        }
        else if (query.TeamsUserId is { } teamsUserId)
        {
            proto.TeamsUserId = teamsUserId;
        }
        else if (query.UserPrincipalName is { } userPrincipalName)
        {
            proto.UserPrincipalName = userPrincipalName;
        }

        return proto;
    }

    public static IdentityResolution ToModel(V1.IdentityResolution proto, IdentityQuery query) => new(
        query,
        proto.Match switch
        {
            V1.IdentityMatch.None => IdentityMatch.None,
            V1.IdentityMatch.Override => IdentityMatch.Override,
            V1.IdentityMatch.Mail => IdentityMatch.Mail,
            V1.IdentityMatch.UserPrincipalName => IdentityMatch.UserPrincipalName,
            V1.IdentityMatch.Ambiguous => IdentityMatch.Ambiguous,
            _ => IdentityMatch.Unspecified,
        },
        proto.User is { TeamsUserId.Length: > 0 } user ? ToModel(user) : null,
        NullIfEmpty(proto.PlatformUserId));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
