namespace PresenceHub.Presence.Platforms;

/// <summary>
/// A presence session PresenceHub holds in Teams through Graph's <c>setPresence</c>. Graph accepts only
/// <see cref="AllowedPairs"/>; <c>null</c> stands for "no session" (<c>clearPresence</c>).
/// </summary>
/// <param name="Availability">The session's availability.</param>
/// <param name="Activity">The session's activity.</param>
public sealed record TeamsSessionPresence(Availability Availability, Activity Activity)
{
    /// <summary>Available / Available.</summary>
    public static TeamsSessionPresence Available { get; } = new(Availability.Available, Activity.Available);
    /// <summary>Busy / InACall.</summary>
    public static TeamsSessionPresence InACall { get; } = new(Availability.Busy, Activity.InACall);
    /// <summary>Busy / InAConferenceCall.</summary>
    public static TeamsSessionPresence InAConferenceCall { get; } = new(Availability.Busy, Activity.InAConferenceCall);
    /// <summary>Away / Away.</summary>
    public static TeamsSessionPresence Away { get; } = new(Availability.Away, Activity.Away);
    /// <summary>DoNotDisturb / Presenting.</summary>
    public static TeamsSessionPresence Presenting { get; } = new(Availability.DoNotDisturb, Activity.Presenting);

    /// <summary>The five pairs <c>setPresence</c> accepts.</summary>
    public static IReadOnlyList<TeamsSessionPresence> AllowedPairs { get; } = [Available, InACall, InAConferenceCall, Away, Presenting];

    /// <summary>Whether Graph's <c>setPresence</c> accepts this pair.</summary>
    public bool IsAllowed => AllowedPairs.Contains(this);
}
