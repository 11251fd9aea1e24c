using Google.Protobuf.WellKnownTypes;
using PresenceHub.Presence;

namespace PresenceHub.Connectors.Contracts;

/// <summary>
/// Converts a presence between the connector API's <see cref="V1.PresenceState"/> and the
/// <see cref="PresenceState"/> model, in both directions. The gateway and the connector SDK both use it, so a
/// presence reads the same on either side of the wire.
/// </summary>
public static class PresenceStateMapping
{
    /// <summary>
    /// The wire form of a presence: availability and activity as their words, the status message with its expiry,
    /// and the out-of-office settings (an absent out-of-office message becomes the empty string).
    /// </summary>
    /// <param name="state">The presence.</param>
    /// <returns>A new message; absent parts of <paramref name="state"/> are left unset.</returns>
    public static V1.PresenceState ToProto(PresenceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
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

    /// <summary>
    /// Reads a presence from the wire. Availability and activity are parsed case-insensitively: known words are
    /// canonicalized, unknown but well-formed words are kept as received, malformed or empty ones become
    /// <c>PresenceUnknown</c>. A status message whose content is empty or white space is no message; an empty
    /// out-of-office message is none.
    /// </summary>
    /// <param name="proto">The message; null (absent on the wire) reads as <see cref="PresenceState.Unknown"/>.</param>
    /// <returns>The presence.</returns>
    public static PresenceState ToModel(V1.PresenceState? proto)
    {
        if (proto is null)
        {
            return PresenceState.Unknown;
        }

        var message = proto.StatusMessage is { } status
            ? StatusMessage.Create(status.Content, status.ExpiresAt?.ToDateTimeOffset())
            : null;
        var outOfOffice = proto.OutOfOffice is { } settings
            ? new OutOfOfficeSettings(settings.IsOutOfOffice, string.IsNullOrEmpty(settings.Message) ? null : settings.Message)
            : null;
        return new PresenceState(Availability.Parse(proto.Availability), Activity.Parse(proto.Activity), message, outOfOffice);
    }
}
