namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The type of a relay event: a lowercase token stored with each entry. Kinds other than those defined here may be
/// read from entries written by a newer gateway; they are delivered with no payload so an older reader skips them.
/// </summary>
internal readonly record struct RelayEventKind
{
    private readonly string? _token;

    private RelayEventKind(string token) => _token = token;

    /// <summary>The token stored with the event.</summary>
    public string Token => _token ?? "unknown";

    /// <summary>A user's presence changed.</summary>
    public static RelayEventKind Presence { get; } = new("presence");

    /// <summary>A consenting Teams user's directory profile changed; <see cref="RelayEvent.Profile"/> holds the new one.</summary>
    public static RelayEventKind Profile { get; } = new("profile");

    /// <summary>A user left federation; <see cref="RelayEvent.Withdrawal"/> says who and why. Forget their presence and profile.</summary>
    public static RelayEventKind Withdrawn { get; } = new("withdrawn");

    /// <summary>Restores a kind from its stored token.</summary>
    public static RelayEventKind FromToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return token switch
        {
            "presence" => Presence,
            "profile" => Profile,
            "withdrawn" => Withdrawn,
            _ => new RelayEventKind(token),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Token;
}
