using CsCheck;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Presence.Tests;

/// <summary>Generators for the presence model and each platform's form, including values no platform documents.</summary>
internal static class PresenceGen
{
    private static readonly string[] AvailabilityWords =
        ["Available", "AvailableIdle", "Away", "BeRightBack", "Busy", "BusyIdle", "DoNotDisturb", "Offline", "PresenceUnknown"];

    private static readonly string[] ActivityWords =
    [
        "Available", "Away", "BeRightBack", "Busy", "DoNotDisturb", "InACall", "InAConferenceCall", "Inactive",
        "InAMeeting", "Offline", "OffWork", "OutOfOffice", "PresenceUnknown", "Presenting", "UrgentInterruptionsOnly",
    ];

    /// <summary>Any string at all, including null, empty, white space, markup and non-BMP characters.</summary>
    public static readonly Gen<string?> AnyText = Gen.OneOf(
        Gen.Const((string?)null),
        Gen.OneOf<string?>("", "   ", "\t\n", "<b>x</b>", "In a call", "in a call", " Busy ", "Out of office", "😀🎉", "a\u0301\u0301\u0301"),
        Gen.String[0, 20].Select(s => (string?)s),
        Gen.String[Gen.Char.AlphaNumeric, 1, 300].Select(s => (string?)s));

    /// <summary>Known words in random case, unknown words and garbage.</summary>
    private static Gen<string?> Word(string[] known) => Gen.OneOf(
        Gen.OneOf(known).Select(Gen.Bool, Gen.Bool, (w, upper, lower) => (string?)(upper ? w.ToUpperInvariant() : lower ? w.ToLowerInvariant() : w)),
        Gen.OneOf<string?>("Focusing", "InAnUnknownState", "Busy Busy", "  Away  "),
        AnyText);

    public static readonly Gen<Availability> Availability = Word(AvailabilityWords).Select(Presence.Availability.Parse);

    public static readonly Gen<Activity> Activity = Word(ActivityWords).Select(Presence.Activity.Parse);

    public static readonly Gen<DateTimeOffset?> Expiry = Gen.OneOf(
        Gen.Const((DateTimeOffset?)null),
        Gen.Int[0, 1_000_000].Select(s => (DateTimeOffset?)new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(s)));

    public static readonly Gen<StatusMessage?> StatusMessage = AnyText.Select(Expiry, Presence.StatusMessage.Create);

    public static readonly Gen<OutOfOfficeSettings?> OutOfOffice = Gen.OneOf(
        Gen.Const((OutOfOfficeSettings?)null),
        Gen.Bool.Select(AnyText, (on, message) => (OutOfOfficeSettings?)new OutOfOfficeSettings(on, message)));

    public static readonly Gen<PresenceState> State = Gen.OneOf(
        Gen.Select(Availability, Activity, StatusMessage, OutOfOffice, (a, b, c, d) => new PresenceState(a, b, c, d)),
        Gen.Enum<PresenceCategory>().Select(StatusMessage, PresenceState.ForCategory));

    public static readonly Gen<TeamsSessionPresence?> TeamsSession = Gen.OneOf(
        Gen.Const((TeamsSessionPresence?)null),
        Gen.OneOf(TeamsSessionPresence.AllowedPairs.ToArray()).Select(p => (TeamsSessionPresence?)p),
        Availability.Select(Activity, (a, b) => (TeamsSessionPresence?)new TeamsSessionPresence(a, b)));

    public static readonly Gen<SlackPresence> Slack = Gen.Select(
        Gen.OneOf(Gen.OneOf<string?>("auto", "away", "active", "AWAY"), AnyText),
        Gen.Bool,
        Gen.OneOf(Gen.OneOf<string?>("", ":phone:", ":calendar:", ":no_entry:", ":film_projector:", ":palm_tree:", ":coffee:"), AnyText),
        AnyText,
        Expiry,
        (presence, dnd, emoji, text, expiry) => new SlackPresence(presence!, dnd, emoji!, text!, expiry));

    public static readonly Gen<XmppPresence> Xmpp = Gen.Select(
        Gen.Bool,
        Gen.OneOf(Gen.Enum<XmppShow>(), Gen.Int.Select(i => (XmppShow)i)),
        AnyText,
        (available, show, status) => new XmppPresence(available, show, status));

    public static readonly Gen<MatrixPresence> Matrix = Gen.Select(
        Gen.OneOf(Gen.OneOf<string?>("online", "unavailable", "offline", "Online"), AnyText),
        AnyText,
        (presence, status) => new MatrixPresence(presence!, status));

    public static readonly Gen<WebexPresence> Webex = Gen.OneOf(
            Gen.OneOf<string?>("active", "inactive", "call", "meeting", "presenting", "DoNotDisturb", "OutOfOffice", "pending", "unknown", "doNotDisturb"),
            AnyText)
        .Select(s => new WebexPresence(s!));

    public static readonly Gen<ZoomPresence> Zoom = Gen.Select(
        Gen.OneOf(Gen.OneOf<string?>("Available", "Away", "Do_Not_Disturb", "In_Meeting", "On_Phone_Call", "Presenting", "Offline", "In_Calendar_Event"), AnyText),
        AnyText,
        (status, note) => new ZoomPresence(status!, note));

    public static readonly Gen<PidfPresence> Pidf = Gen.Select(
        Gen.Bool,
        Gen.OneOf(Gen.OneOf<string?>(null, "on-the-phone", "meeting", "appointment", "busy", "presentation", "away", "vacation", "holiday", "sleeping"), AnyText),
        Gen.Bool,
        AnyText,
        (open, activity, idle, note) => new PidfPresence(open, activity, idle, note));
}
