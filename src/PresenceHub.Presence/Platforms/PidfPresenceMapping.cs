namespace PresenceHub.Presence.Platforms;

/// <summary>
/// PIDF/RPID for SIP phone systems. RPID has no do-not-disturb, so do-not-disturb and busy both show as the
/// <c>busy</c> activity (and read back as busy); out of office is <c>vacation</c>; offline and unknown are closed.
/// </summary>
public sealed class PidfPresenceMapping : IPresenceMapping<PidfPresence>
{
    private static readonly Dictionary<string, PresenceCategory> ActivityCategories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["on-the-phone"] = PresenceCategory.InACall,
        ["meeting"] = PresenceCategory.InAMeeting,
        ["appointment"] = PresenceCategory.InAMeeting,
        ["busy"] = PresenceCategory.Busy,
        ["presentation"] = PresenceCategory.Presenting,
        ["away"] = PresenceCategory.Away,
        ["vacation"] = PresenceCategory.OutOfOffice,
        ["holiday"] = PresenceCategory.OutOfOffice,
    };

    /// <summary>The shared instance.</summary>
    public static PidfPresenceMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Sip;

    /// <inheritdoc />
    public PidfPresence ToPlatform(PresenceState state) => state.Category switch
    {
        PresenceCategory.Available => new(true, null, false, state.DisplayText),
        PresenceCategory.Idle => new(true, null, true, state.DisplayText),
        PresenceCategory.Busy or PresenceCategory.DoNotDisturb => new(true, "busy", false, state.DisplayText),
        PresenceCategory.InACall => new(true, "on-the-phone", false, state.DisplayText),
        PresenceCategory.InAMeeting => new(true, "meeting", false, state.DisplayText),
        PresenceCategory.Presenting => new(true, "presentation", false, state.DisplayText),
        PresenceCategory.Away => new(true, "away", false, state.DisplayText),
        PresenceCategory.OutOfOffice => new(true, "vacation", false, state.DisplayText),
        _ => new(false, null, false, state.DisplayText),
    };

    /// <inheritdoc />
    public PresenceState FromPlatform(PidfPresence native)
    {
        var status = StatusMessage.Create(native.Note);
        if (!native.IsOpen)
        {
            return PresenceState.ForCategory(PresenceCategory.Offline, status);
        }

        if (native.Activity is { } activity && ActivityCategories.TryGetValue(activity.Trim(), out var category))
        {
            return PresenceState.ForCategory(category, status);
        }

        return PresenceState.ForCategory(native.IsIdle ? PresenceCategory.Idle : PresenceCategory.Available, status);
    }
}
