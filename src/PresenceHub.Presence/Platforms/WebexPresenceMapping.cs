namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Webex's person status. Webex has no plain busy and no offline: busy shows as active, idle, away and offline
/// as inactive. Webex carries no status text.
/// </summary>
public sealed class WebexPresenceMapping : IPresenceMapping<WebexPresence>
{
    private static readonly Dictionary<string, PresenceCategory> StatusCategories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["active"] = PresenceCategory.Available,
        ["inactive"] = PresenceCategory.Away,
        ["call"] = PresenceCategory.InACall,
        ["meeting"] = PresenceCategory.InAMeeting,
        ["presenting"] = PresenceCategory.Presenting,
        ["DoNotDisturb"] = PresenceCategory.DoNotDisturb,
        ["OutOfOffice"] = PresenceCategory.OutOfOffice,
    };

    /// <summary>The shared instance.</summary>
    public static WebexPresenceMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Webex;

    /// <inheritdoc />
    public WebexPresence ToPlatform(PresenceState state) => new(state.Category switch
    {
        PresenceCategory.Available or PresenceCategory.Busy => "active",
        PresenceCategory.Idle or PresenceCategory.Away or PresenceCategory.Offline => "inactive",
        PresenceCategory.InACall => "call",
        PresenceCategory.InAMeeting => "meeting",
        PresenceCategory.Presenting => "presenting",
        PresenceCategory.DoNotDisturb => "DoNotDisturb",
        PresenceCategory.OutOfOffice => "OutOfOffice",
        _ => "unknown",
    });

    /// <inheritdoc />
    public PresenceState FromPlatform(WebexPresence native) =>
        native.Status is { } status && StatusCategories.TryGetValue(status.Trim(), out var category)
            ? PresenceState.ForCategory(category)
            : PresenceState.Unknown;
}
