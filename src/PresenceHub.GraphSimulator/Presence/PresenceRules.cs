namespace PresenceHub.GraphSimulator.Presence;

/// <summary>Graph's presence vocabulary and the rules Teams applies to app sessions.</summary>
internal static class PresenceRules
{
    public static readonly TimeSpan MinSessionDuration = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxSessionDuration = TimeSpan.FromHours(4);
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(5);

    public static readonly string[] Availabilities =
        ["Available", "AvailableIdle", "Away", "BeRightBack", "Busy", "BusyIdle", "DoNotDisturb", "Offline", "PresenceUnknown"];

    public static readonly string[] Activities =
        ["Available", "Away", "BeRightBack", "Busy", "DoNotDisturb", "InACall", "InAConferenceCall", "Inactive", "InAMeeting",
         "Offline", "OffWork", "OutOfOffice", "PresenceUnknown", "Presenting", "UrgentInterruptionsOnly"];

    /// <summary>The only pairs setPresence accepts.</summary>
    private static readonly (string Availability, string Activity)[] SessionPairs =
    [
        ("Available", "Available"),
        ("Busy", "InACall"),
        ("Busy", "InAConferenceCall"),
        ("Away", "Away"),
        ("DoNotDisturb", "Presenting"),
    ];

    /// <summary>Returns the canonical spelling of an allowed session pair, or null when the pair is not allowed.</summary>
    public static (string Availability, string Activity)? SessionPair(string? availability, string? activity) =>
        SessionPairs.Cast<(string, string)?>().FirstOrDefault(p =>
            string.Equals(p!.Value.Item1, availability, StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.Value.Item2, activity, StringComparison.OrdinalIgnoreCase));

    public static string? Canonical(string[] vocabulary, string? value) =>
        vocabulary.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>Aggregation order: DoNotDisturb > Busy > Available > Away, then Offline and unknown.</summary>
    public static int Rank(string availability) => availability switch
    {
        "DoNotDisturb" => 7,
        "Busy" => 6,
        "BusyIdle" => 5,
        "Available" => 4,
        "AvailableIdle" => 3,
        "Away" => 2,
        "BeRightBack" => 2,
        "Offline" => 1,
        _ => 0,
    };
}
