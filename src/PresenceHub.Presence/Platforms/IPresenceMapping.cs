namespace PresenceHub.Presence.Platforms;

/// <summary>
/// Maps the normalized presence to a platform's own form and back. A mapping is total: unknown or malformed
/// platform values map to a defined fallback and never throw. Round trips are stable: mapping a state to the
/// platform and back gives a state that maps to the same platform value again, so presence never flaps.
/// </summary>
/// <typeparam name="TNative">The platform's presence form.</typeparam>
public interface IPresenceMapping<TNative>
{
    /// <summary>The platform this mapping serves.</summary>
    Platform Platform { get; }

    /// <summary>Shows <paramref name="state"/> as well as the platform can.</summary>
    TNative ToPlatform(PresenceState state);

    /// <summary>Reads the platform's presence into the normalized model.</summary>
    PresenceState FromPlatform(TNative native);
}
