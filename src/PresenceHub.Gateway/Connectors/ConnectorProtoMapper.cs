using Google.Protobuf.WellKnownTypes;
using PresenceHub.Connectors.Contracts;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Builds the connector API's messages from the gateway's relay events, profiles and last-known presence. The presence
/// state inside them, and its reading from a connector's publication, goes through <see cref="PresenceStateMapping"/>,
/// which the connector SDK shares.
/// </summary>
internal static class ConnectorProtoMapper
{
    public static V1.TeamsUser ToProto(string userId, UserProfileRecord? profile) => new()
    {
        TeamsUserId = userId,
        UserPrincipalName = profile?.UserPrincipalName ?? string.Empty,
        Mail = profile?.Mail ?? string.Empty,
    };

    /// <summary>The event as a connector receives it; null for a kind this gateway cannot express.</summary>
    public static V1.ConnectorEvent? ToProto(RelayEvent relayEvent, UserProfileRecord? profile, string? platformUserId, int coalesced)
    {
        if (SubjectUserId(relayEvent) is not { } userId)
        {
            return null;
        }

        var proto = new V1.ConnectorEvent
        {
            EventId = relayEvent.Id,
            Cursor = relayEvent.Id,
            OrganizationId = relayEvent.Organization.ToString(),
            User = ToProto(userId, profile ?? relayEvent.Profile),
            PlatformUserId = platformUserId ?? string.Empty,
        };
        if (relayEvent.TraceParent is { } traceParent)
        {
            proto.TraceContext = new V1.TraceContext { Traceparent = traceParent, Tracestate = relayEvent.TraceState ?? string.Empty };
        }

        if (relayEvent.Kind == RelayEventKind.Presence && relayEvent.Presence is { } update)
        {
            proto.Kind = V1.EventKind.Presence;
            proto.SourcePlatform = update.Source.Id;
            proto.OriginPlatform = update.Origin.Id;
            proto.Version = update.Version.Stamp;
            proto.ObservedAt = Timestamp.FromDateTimeOffset(update.ObservedAt);
            proto.Presence = new V1.PresenceChange { Presence = PresenceStateMapping.ToProto(update.State), CoalescedCount = (uint)coalesced, Snapshot = relayEvent.IsSnapshot };
            return proto;
        }

        if (relayEvent.Kind == RelayEventKind.Profile && (profile ?? relayEvent.Profile) is { } changed)
        {
            // The directory's record is the newest; a profile event in Redis names only the user.
            SetProfile(proto, changed);
            return proto;
        }

        if (relayEvent.Kind == RelayEventKind.Withdrawn && relayEvent.Withdrawal is { } withdrawal)
        {
            proto.Kind = V1.EventKind.Withdrawn;
            proto.Withdrawal = new V1.Withdrawal
            {
                Reason = withdrawal.Reason switch
                {
                    WithdrawalReason.UserRemoved => V1.WithdrawalReason.UserRemoved,
                    WithdrawalReason.OptedOut => V1.WithdrawalReason.OptedOut,
                    WithdrawalReason.EntitlementRevoked => V1.WithdrawalReason.EntitlementRevoked,
                    _ => V1.WithdrawalReason.Unspecified,
                },
            };
            return proto;
        }

        return null;
    }

    /// <summary>Suffix of the id and cursor of the profile sent along with a snapshot presence.</summary>
    public const string SnapshotProfileSuffix = "/profile";

    /// <summary>
    /// The profile event that follows a snapshot presence event, so a connector starting from a snapshot learns every
    /// user's name: the presence's id and cursor with <see cref="SnapshotProfileSuffix"/>, which sorts right after it.
    /// </summary>
    public static V1.ConnectorEvent ToSnapshotProfile(V1.ConnectorEvent presence, UserProfileRecord profile)
    {
        var proto = new V1.ConnectorEvent
        {
            EventId = presence.EventId + SnapshotProfileSuffix,
            Cursor = presence.Cursor + SnapshotProfileSuffix,
            OrganizationId = presence.OrganizationId,
            User = presence.User,
            PlatformUserId = presence.PlatformUserId,
            ObservedAt = presence.ObservedAt,
        };
        SetProfile(proto, profile);
        return proto;
    }

    private static void SetProfile(V1.ConnectorEvent proto, UserProfileRecord profile)
    {
        proto.Kind = V1.EventKind.Profile;
        proto.SourcePlatform = Platform.Teams.Id;
        proto.OriginPlatform = Platform.Teams.Id;
        proto.Profile = new V1.ProfileChange
        {
            Profile = new V1.UserProfile
            {
                DisplayName = profile.DisplayName ?? string.Empty,
                Mail = profile.Mail ?? string.Empty,
                UserPrincipalName = profile.UserPrincipalName ?? string.Empty,
                JobTitle = profile.JobTitle ?? string.Empty,
                AccountEnabled = profile.AccountEnabled,
            },
        };
    }

    /// <summary>The Teams user an event is about, for looking up profiles and links; null when it has none.</summary>
    public static string? SubjectUserId(RelayEvent relayEvent) =>
        relayEvent.Presence?.UserId ?? relayEvent.Profile?.UserId ?? relayEvent.Withdrawal?.UserId;

    public static V1.LastKnownPresence ToProto(V1.UserReference requested, string userId, UserProfileRecord? profile, PresenceUpdate? update)
    {
        var proto = new V1.LastKnownPresence { Requested = requested, User = ToProto(userId, profile), Found = update is not null };
        if (update is not null)
        {
            proto.Presence = PresenceStateMapping.ToProto(update.State);
            proto.Version = update.Version.Stamp;
            proto.SourcePlatform = update.Source.Id;
            proto.OriginPlatform = update.Origin.Id;
            proto.ObservedAt = Timestamp.FromDateTimeOffset(update.ObservedAt);
        }

        return proto;
    }
}
