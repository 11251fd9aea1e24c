namespace PresenceHub.Presence;

/// <summary>
/// A Teams availability value. Known values are canonicalized (Graph's casing varies between pages); unknown but
/// well-formed values are kept as received so a newer Graph does not lose information; malformed input becomes
/// <see cref="PresenceUnknown"/>.
/// </summary>
public readonly record struct Availability
{
    private static readonly Dictionary<string, string> Known = PresenceToken.Index(
        "Available", "AvailableIdle", "Away", "BeRightBack", "Busy", "BusyIdle", "DoNotDisturb", "Offline", "PresenceUnknown");

    private readonly string? _value;

    private Availability(string value) => _value = value;

    /// <summary>The canonical or, for unknown values, received spelling. Never null.</summary>
    public string Value => _value ?? "PresenceUnknown";

    /// <summary>Whether the value is one Graph documents.</summary>
    public bool IsKnown => Known.ContainsKey(Value);

    /// <summary>Available.</summary>
    public static Availability Available { get; } = new("Available");
    /// <summary>AvailableIdle.</summary>
    public static Availability AvailableIdle { get; } = new("AvailableIdle");
    /// <summary>Away.</summary>
    public static Availability Away { get; } = new("Away");
    /// <summary>BeRightBack.</summary>
    public static Availability BeRightBack { get; } = new("BeRightBack");
    /// <summary>Busy.</summary>
    public static Availability Busy { get; } = new("Busy");
    /// <summary>BusyIdle.</summary>
    public static Availability BusyIdle { get; } = new("BusyIdle");
    /// <summary>DoNotDisturb.</summary>
    public static Availability DoNotDisturb { get; } = new("DoNotDisturb");
    /// <summary>Offline.</summary>
    public static Availability Offline { get; } = new("Offline");
    /// <summary>PresenceUnknown, also the value of <c>default</c>.</summary>
    public static Availability PresenceUnknown { get; } = new("PresenceUnknown");

    /// <summary>Parses case-insensitively; never throws.</summary>
    public static Availability Parse(string? raw) =>
        PresenceToken.Normalize(raw, Known) is { } value ? new Availability(value) : PresenceUnknown;

    /// <inheritdoc />
    public bool Equals(Availability other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
