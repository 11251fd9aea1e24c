namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Writes foreign presence back into Teams as a <c>setPresence</c> session. Teams accepts five pairs only, so
/// Busy and meetings become calls, do-not-disturb becomes Presenting (the one DoNotDisturb pair), idle and out of
/// office become Away, and offline or unknown clear the session. Status messages are the user's own in Teams and
/// are not written.
/// </summary>
public sealed class TeamsSessionMapping : IPresenceMapping<TeamsSessionPresence?>
{
    /// <summary>The shared instance.</summary>
    public static TeamsSessionMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Teams;

    /// <inheritdoc />
    public TeamsSessionPresence? ToPlatform(PresenceState state) => state.Category switch
    {
        PresenceCategory.Available => TeamsSessionPresence.Available,
        PresenceCategory.InACall when state.Activity == Activity.InAConferenceCall => TeamsSessionPresence.InAConferenceCall,
        PresenceCategory.InACall or PresenceCategory.Busy => TeamsSessionPresence.InACall,
        PresenceCategory.InAMeeting => TeamsSessionPresence.InAConferenceCall,
        PresenceCategory.DoNotDisturb or PresenceCategory.Presenting => TeamsSessionPresence.Presenting,
        PresenceCategory.Idle or PresenceCategory.Away or PresenceCategory.OutOfOffice => TeamsSessionPresence.Away,
        _ => null,
    };

    /// <inheritdoc />
    public PresenceState FromPlatform(TeamsSessionPresence? native)
    {
        if (native is null)
        {
            return PresenceState.ForCategory(PresenceCategory.Offline);
        }

        var state = new PresenceState(native.Availability, native.Activity);

        // A pair Graph would refuse is read as the allowed pair that stands for it.
        return native.IsAllowed ? state : FromPlatform(ToPlatform(state));
    }
}
