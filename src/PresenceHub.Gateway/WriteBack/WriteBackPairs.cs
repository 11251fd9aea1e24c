using PresenceHub.Presence;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>The stored spelling of a <c>setPresence</c> pair, <c>availability/activity</c>.</summary>
internal static class WriteBackPairs
{
    private static readonly TeamsSessionPresence AvailableIdle = new(Availability.AvailableIdle, Activity.Available);

    public static string Format(TeamsSessionPresence pair) => pair.Availability.Value + "/" + pair.Activity.Value;

    /// <summary>The allowed pair of a stored spelling.</summary>
    /// <exception cref="FormatException">The spelling is not one of the allowed pairs.</exception>
    public static TeamsSessionPresence Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var pair = slash > 0 ? new TeamsSessionPresence(Availability.Parse(text[..slash]), Activity.Parse(text[(slash + 1)..])) : null;
        return pair is { IsAllowed: true } ? pair : throw new FormatException($"'{text}' is not a setPresence pair.");
    }

    /// <summary>
    /// Whether Teams showing <paramref name="state"/> is what our session <paramref name="pair"/> produces: the pair
    /// itself, or for an Available session, the idle form Teams fades it to.
    /// </summary>
    public static bool Produces(string pair, PresenceState state)
    {
        var shown = new TeamsSessionPresence(state.Availability, state.Activity);
        var session = Parse(pair);
        return shown == session || (session == TeamsSessionPresence.Available && shown == AvailableIdle);
    }
}
