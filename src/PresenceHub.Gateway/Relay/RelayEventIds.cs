using System.Globalization;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// Event ids of the Redis relay: Redis stream ids (<c>{milliseconds}-{sequence}</c>), which never go back in time,
/// written with both parts zero-padded to 20 digits so that ids compare ordinally in stream order.
/// </summary>
internal static class RelayEventIds
{
    /// <summary>The padded form of a Redis stream id, as connectors see it.</summary>
    public static string Pad(string streamId) =>
        TryParse(streamId, out var id) ? string.Create(CultureInfo.InvariantCulture, $"{id.Milliseconds:D20}-{id.Sequence:D20}") : streamId;

    /// <summary>The Redis stream id of a padded (or plain) id; false when it is not one.</summary>
    public static bool TryCanonical(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? streamId)
    {
        streamId = TryParse(id, out var parsed) ? string.Create(CultureInfo.InvariantCulture, $"{parsed.Milliseconds}-{parsed.Sequence}") : null;
        return streamId is not null;
    }

    /// <summary>
    /// Whether <paramref name="id"/> is at or before <paramref name="cursor"/> in its stream. False unless both are
    /// Redis stream ids (plain or padded).
    /// </summary>
    public static bool IsAtOrBefore(string id, string? cursor) =>
        cursor is not null && TryParse(id, out var a) && TryParse(cursor, out var b) && a.CompareTo(b) <= 0;

    private static bool TryParse(string value, out (ulong Milliseconds, ulong Sequence) parsed)
    {
        parsed = default;
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == value.Length - 1)
        {
            return false;
        }

        if (!ulong.TryParse(value.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !ulong.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        parsed = (milliseconds, sequence);
        return true;
    }
}
