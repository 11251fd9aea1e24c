namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Matrix: <c>online</c>, <c>unavailable</c> or <c>offline</c> with a <c>status_msg</c>. Matrix has no
/// do-not-disturb, so busy states show as online with a status, and do-not-disturb, presenting and out of office
/// as unavailable with a status. Idle and away both show as unavailable.
/// </summary>
public sealed class MatrixPresenceMapping : IPresenceMapping<MatrixPresence>
{
    /// <summary>The shared instance.</summary>
    public static MatrixPresenceMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Matrix;

    /// <inheritdoc />
    public MatrixPresence ToPlatform(PresenceState state)
    {
        var category = state.Category;
        return category switch
        {
            PresenceCategory.Available => new("online", state.DisplayText),
            PresenceCategory.Busy or PresenceCategory.InACall or PresenceCategory.InAMeeting =>
                new("online", PresenceLabels.TextOrLabel(state, category)),
            PresenceCategory.DoNotDisturb or PresenceCategory.Presenting or PresenceCategory.OutOfOffice =>
                new("unavailable", PresenceLabels.TextOrLabel(state, category)),
            PresenceCategory.Idle or PresenceCategory.Away => new("unavailable", state.DisplayText),
            _ => new("offline", state.DisplayText),
        };
    }

    /// <inheritdoc />
    public PresenceState FromPlatform(MatrixPresence native)
    {
        var category = native.Presence?.Trim().ToLowerInvariant() switch
        {
            "online" => PresenceLabels.Match(native.StatusMsg, PresenceCategory.Busy, PresenceCategory.InACall,
                PresenceCategory.InAMeeting) ?? PresenceCategory.Available,
            "unavailable" => PresenceLabels.Match(native.StatusMsg, PresenceCategory.DoNotDisturb,
                PresenceCategory.Presenting, PresenceCategory.OutOfOffice) ?? PresenceCategory.Away,
            _ => PresenceCategory.Offline,
        };
        return PresenceLabels.State(category, native.StatusMsg);
    }
}
