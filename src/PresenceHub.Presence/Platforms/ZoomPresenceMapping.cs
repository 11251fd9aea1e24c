namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Zoom's presence status. Zoom has no plain busy (shown as Available with a "Busy" note), no idle (Away) and no
/// out of office (Away with the out-of-office text as note).
/// </summary>
public sealed class ZoomPresenceMapping : IPresenceMapping<ZoomPresence>
{
    private static readonly Dictionary<string, PresenceCategory> StatusCategories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Available"] = PresenceCategory.Available,
        ["Away"] = PresenceCategory.Away,
        ["Do_Not_Disturb"] = PresenceCategory.DoNotDisturb,
        ["In_Meeting"] = PresenceCategory.InAMeeting,
        ["On_Phone_Call"] = PresenceCategory.InACall,
        ["Presenting"] = PresenceCategory.Presenting,
        ["Offline"] = PresenceCategory.Offline,
    };

    /// <summary>The shared instance.</summary>
    public static ZoomPresenceMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Zoom;

    /// <inheritdoc />
    public ZoomPresence ToPlatform(PresenceState state)
    {
        var category = state.Category;
        return category switch
        {
            PresenceCategory.Available => new("Available", state.DisplayText),
            PresenceCategory.Busy => new("Available", PresenceLabels.TextOrLabel(state, category)),
            PresenceCategory.InACall => new("On_Phone_Call", state.DisplayText),
            PresenceCategory.InAMeeting => new("In_Meeting", state.DisplayText),
            PresenceCategory.DoNotDisturb => new("Do_Not_Disturb", state.DisplayText),
            PresenceCategory.Presenting => new("Presenting", state.DisplayText),
            PresenceCategory.Idle or PresenceCategory.Away or PresenceCategory.OutOfOffice => new("Away", state.DisplayText),
            _ => new("Offline", state.DisplayText),
        };
    }

    /// <inheritdoc />
    public PresenceState FromPlatform(ZoomPresence native)
    {
        var category = native.Status is { } status && StatusCategories.TryGetValue(status.Trim(), out var known)
            ? known
            : PresenceCategory.Offline;
        // Zoom shows busy as Available with a "Busy" note; no other status carries a label.
        return category == PresenceCategory.Available && PresenceLabels.Match(native.Note, PresenceCategory.Busy) is { } busy
            ? PresenceLabels.State(busy, native.Note)
            : PresenceState.ForCategory(category, StatusMessage.Create(native.Note));
    }
}
