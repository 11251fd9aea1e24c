namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Words shown on platforms that have one text field and no way to say "in a call" otherwise. Reading them back
/// restores the category instead of inventing a status message, which keeps round trips stable.
/// </summary>
internal static class PresenceLabels
{
    private static readonly Dictionary<PresenceCategory, string> Labels = new()
    {
        [PresenceCategory.Busy] = "Busy",
        [PresenceCategory.InACall] = "In a call",
        [PresenceCategory.InAMeeting] = "In a meeting",
        [PresenceCategory.DoNotDisturb] = "Do not disturb",
        [PresenceCategory.Presenting] = "Presenting",
        [PresenceCategory.OutOfOffice] = "Out of office",
    };

    public static string For(PresenceCategory category) => Labels[category];

    /// <summary>The text to show: the user's own text, else the category's label.</summary>
    public static string TextOrLabel(PresenceState state, PresenceCategory category) => state.DisplayText ?? For(category);

    /// <summary>The category a text names when it is exactly (case included) one of <paramref name="candidates"/>' labels.</summary>
    public static PresenceCategory? Match(string? text, params ReadOnlySpan<PresenceCategory> candidates)
    {
        var trimmed = text?.Trim();
        foreach (var category in candidates)
        {
            if (string.Equals(trimmed, Labels[category], StringComparison.Ordinal))
            {
                return category;
            }
        }

        return null;
    }

    /// <summary>The state for a category, with <paramref name="text"/> as status message unless it is the label.</summary>
    public static PresenceState State(PresenceCategory category, string? text, DateTimeOffset? expiry = null)
    {
        var isLabel = Labels.TryGetValue(category, out var label) &&
                      string.Equals(text?.Trim(), label, StringComparison.Ordinal);
        return PresenceState.ForCategory(category, isLabel ? null : StatusMessage.Create(text, expiry));
    }
}
