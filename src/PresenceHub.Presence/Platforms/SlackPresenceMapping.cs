namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Slack: <c>auto</c> or <c>away</c>, a do-not-disturb snooze, and a status emoji that carries the activity
/// (<c>:phone:</c> call, <c>:calendar:</c> meeting, <c>:no_entry:</c> busy, <c>:film_projector:</c> presenting,
/// <c>:palm_tree:</c> out of office). Slack has no offline or invisible state, so offline shows as away, and idle
/// and away look the same.
/// </summary>
public sealed class SlackPresenceMapping : IPresenceMapping<SlackPresence>
{
    /// <summary>Slack's limit on status text.</summary>
    public const int MaxStatusText = 100;

    private static readonly Dictionary<string, PresenceCategory> EmojiCategories = new(StringComparer.OrdinalIgnoreCase)
    {
        [":phone:"] = PresenceCategory.InACall,
        [":calendar:"] = PresenceCategory.InAMeeting,
        [":no_entry:"] = PresenceCategory.Busy,
        [":film_projector:"] = PresenceCategory.Presenting,
        [":palm_tree:"] = PresenceCategory.OutOfOffice,
    };

    /// <summary>The shared instance.</summary>
    public static SlackPresenceMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Slack;

    /// <inheritdoc />
    public SlackPresence ToPlatform(PresenceState state)
    {
        var text = state.DisplayText is { } display ? PresenceText.Truncate(display, MaxStatusText) : "";
        var expiry = state.StatusMessage?.Expiry;
        return state.Category switch
        {
            PresenceCategory.Available => new("auto", false, "", text, expiry),
            PresenceCategory.Busy => new("auto", false, ":no_entry:", text, expiry),
            PresenceCategory.InACall => new("auto", false, ":phone:", text, expiry),
            PresenceCategory.InAMeeting => new("auto", false, ":calendar:", text, expiry),
            PresenceCategory.DoNotDisturb => new("auto", true, "", text, expiry),
            PresenceCategory.Presenting => new("auto", true, ":film_projector:", text, expiry),
            PresenceCategory.OutOfOffice => new("away", false, ":palm_tree:", text, expiry),
            _ => new("away", false, "", text, expiry),
        };
    }

    /// <inheritdoc />
    public PresenceState FromPlatform(SlackPresence native)
    {
        var text = native.StatusText is { } raw ? PresenceText.Truncate(raw.Trim(), MaxStatusText) : null;
        var status = StatusMessage.Create(text, native.StatusExpiration);
        if (native.StatusEmoji is { } emoji && EmojiCategories.TryGetValue(emoji.Trim(), out var category))
        {
            return PresenceState.ForCategory(category, status);
        }

        if (native.DoNotDisturb)
        {
            return PresenceState.ForCategory(PresenceCategory.DoNotDisturb, status);
        }

        var active = string.Equals(native.Presence?.Trim(), "auto", StringComparison.OrdinalIgnoreCase) ||
                     string.Equals(native.Presence?.Trim(), "active", StringComparison.OrdinalIgnoreCase);
        return PresenceState.ForCategory(active ? PresenceCategory.Available : PresenceCategory.Away, status);
    }
}
