namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// A consenting user's own controls over federation, per organization. The defaults (not paused, both directions on)
/// are never stored: only a user who changed something has a record.
/// </summary>
/// <param name="Paused">Federation is paused for the user while they stay installed: nothing goes out, nothing comes in.</param>
/// <param name="ShareOut">The user's presence and profile go out to the organization's connectors (other platforms).</param>
/// <param name="ShowIn">Presence from other platforms is written back into the user's Teams presence and shown to them.</param>
internal sealed record PrivacySettings(bool Paused = false, bool ShareOut = true, bool ShowIn = true)
{
    /// <summary>Not paused, both directions on.</summary>
    public static PrivacySettings Default { get; } = new();

    /// <summary>Whether the user's presence and profile may go out to connectors now.</summary>
    public bool SharesOut => !Paused && ShareOut;

    /// <summary>Whether presence from other platforms may be written back into the user's Teams presence and shown to them now.</summary>
    public bool ShowsIn => !Paused && ShowIn;

    /// <summary>Whether this is the default, which is not stored.</summary>
    public bool IsDefault => this == Default;
}
