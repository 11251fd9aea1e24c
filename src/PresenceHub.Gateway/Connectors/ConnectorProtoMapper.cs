using Google.Protobuf.WellKnownTypes;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Connectors;

/// <summary>Converts between the connector API's messages and the gateway's model; the only place that does.</summary>
internal static class ConnectorProtoMapper
{
    public static V1.PresenceState ToProto(PresenceState state)
    {
        var proto = new V1.PresenceState { Availability = state.Availability.Value, Activity = state.Activity.Value };
        if (state.StatusMessage is { } message)
        {
            proto.StatusMessage = new V1.StatusMessage
            {
                Content = message.Content,
                ExpiresAt = message.Expiry is { } expiry ? Timestamp.FromDateTimeOffset(expiry) : null,
            };
        }

        if (state.OutOfOffice is { } outOfOffice)
        {
            proto.OutOfOffice = new V1.OutOfOfficeSettings { IsOutOfOffice = outOfOffice.IsOutOfOffice, Message = outOfOffice.Message ?? string.Empty };
        }

        return proto;
    }

    /// <summary>Reads a connector's presence; unknown words are kept, malformed ones become PresenceUnknown.</summary>
    public static PresenceState ToModel(V1.PresenceState proto)
    {
        var message = proto.StatusMessage is { Content.Length: > 0 } status
            ? StatusMessage.Create(status.Content, status.ExpiresAt?.ToDateTimeOffset())
            : null;
        var outOfOffice = proto.OutOfOffice is { } settings
            ? new OutOfOfficeSettings(settings.IsOutOfOffice, string.IsNullOrEmpty(settings.Message) ? null : settings.Message)
            : null;
        return new PresenceState(Availability.Parse(proto.Availability), Activity.Parse(proto.Activity), message, outOfOffice);
    }

    public static V1.TeamsUser ToProto(string userId, UserProfileRecord? profile) => new()
    {
        TeamsUserId = userId,
        UserPrincipalName = profile?.UserPrincipalName ?? string.Empty,
        Mail = profile?.Mail ?? string.Empty,
    };

    /// <summary>The event as a connector receives it; null for a kind this gateway cannot express.</summary>
    public static V1.ConnectorEvent? ToProto(RelayEvent relayEvent, UserProfileRecord? profile, string? platformUserId, int coalesced)
    {
        if (relayEvent.Kind != RelayEventKind.Presence || relayEvent.Presence is not { } update)
        {
            return null;
        }

        var proto = new V1.ConnectorEvent
        {
            EventId = relayEvent.Id,
            Cursor = relayEvent.Id,
            Kind = V1.EventKind.Presence,
            OrganizationId = relayEvent.Organization.ToString(),
            User = ToProto(update.UserId, profile),
            PlatformUserId = platformUserId ?? string.Empty,
            SourcePlatform = update.Source.Id,
            OriginPlatform = update.Origin.Id,
            Version = update.Version.Stamp,
            ObservedAt = Timestamp.FromDateTimeOffset(update.ObservedAt),
            Presence = new V1.PresenceChange { Presence = ToProto(update.State), CoalescedCount = (uint)coalesced, Snapshot = relayEvent.IsSnapshot },
        };
        if (relayEvent.TraceParent is { } traceParent)
        {
            proto.TraceContext = new V1.TraceContext { Traceparent = traceParent, Tracestate = relayEvent.TraceState ?? string.Empty };
        }

        return proto;
    }

    /// <summary>The Teams user an event is about, for looking up profiles and links; null when it has none.</summary>
    public static string? SubjectUserId(RelayEvent relayEvent) => relayEvent.Presence?.UserId;

    public static V1.LastKnownPresence ToProto(V1.UserReference requested, string userId, UserProfileRecord? profile, PresenceUpdate? update)
    {
        var proto = new V1.LastKnownPresence { Requested = requested, User = ToProto(userId, profile), Found = update is not null };
        if (update is not null)
        {
            proto.Presence = ToProto(update.State);
            proto.Version = update.Version.Stamp;
            proto.SourcePlatform = update.Source.Id;
            proto.OriginPlatform = update.Origin.Id;
            proto.ObservedAt = Timestamp.FromDateTimeOffset(update.ObservedAt);
        }

        return proto;
    }
}
