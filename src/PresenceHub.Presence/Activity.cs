namespace PresenceHub.Presence;

/// <summary>
/// A Teams activity value. Known values are canonicalized; unknown but well-formed values are kept as received;
/// malformed input becomes <see cref="PresenceUnknown"/>.
/// </summary>
public readonly record struct Activity
{
    private static readonly Dictionary<string, string> Known = PresenceToken.Index(
        "Available", "Away", "BeRightBack", "Busy", "DoNotDisturb", "InACall", "InAConferenceCall", "Inactive",
        "InAMeeting", "Offline", "OffWork", "OutOfOffice", "PresenceUnknown", "Presenting", "UrgentInterruptionsOnly");

    private readonly string? _value;

    private Activity(string value) => _value = value;

    /// <summary>The canonical or, for unknown values, received spelling. Never null.</summary>
    public string Value => _value ?? "PresenceUnknown";

    /// <summary>Whether the value is one Graph documents.</summary>
    public bool IsKnown => Known.ContainsKey(Value);

    /// <summary>Available.</summary>
    public static Activity Available { get; } = new("Available");
    /// <summary>Away.</summary>
    public static Activity Away { get; } = new("Away");
    /// <summary>BeRightBack.</summary>
    public static Activity BeRightBack { get; } = new("BeRightBack");
    /// <summary>Busy.</summary>
    public static Activity Busy { get; } = new("Busy");
    /// <summary>DoNotDisturb.</summary>
    public static Activity DoNotDisturb { get; } = new("DoNotDisturb");
    /// <summary>InACall.</summary>
    public static Activity InACall { get; } = new("InACall");
    /// <summary>InAConferenceCall.</summary>
    public static Activity InAConferenceCall { get; } = new("InAConferenceCall");
    /// <summary>Inactive.</summary>
    public static Activity Inactive { get; } = new("Inactive");
    /// <summary>InAMeeting.</summary>
    public static Activity InAMeeting { get; } = new("InAMeeting");
    /// <summary>Offline.</summary>
    public static Activity Offline { get; } = new("Offline");
    /// <summary>OffWork.</summary>
    public static Activity OffWork { get; } = new("OffWork");
    /// <summary>OutOfOffice.</summary>
    public static Activity OutOfOffice { get; } = new("OutOfOffice");
    /// <summary>PresenceUnknown, also the value of <c>default</c>.</summary>
    public static Activity PresenceUnknown { get; } = new("PresenceUnknown");
    /// <summary>Presenting.</summary>
    public static Activity Presenting { get; } = new("Presenting");
    /// <summary>UrgentInterruptionsOnly.</summary>
    public static Activity UrgentInterruptionsOnly { get; } = new("UrgentInterruptionsOnly");

    /// <summary>Parses case-insensitively; never throws.</summary>
    public static Activity Parse(string? raw) =>
        PresenceToken.Normalize(raw, Known) is { } value ? new Activity(value) : PresenceUnknown;

    /// <inheritdoc />
    public bool Equals(Activity other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
