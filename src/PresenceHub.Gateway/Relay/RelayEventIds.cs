using System.Globalization;

namespace PresenceHub.Gateway.Relay;

/// <summary>Orders event ids of the Redis relay (<c>{milliseconds}-{sequence}</c>), which never go back in time.</summary>
internal static class RelayEventIds
{
    /// <summary>
    /// Whether <paramref name="id"/> is at or before <paramref name="cursor"/> in its stream. False unless both are
    /// Redis stream ids: in-memory ids restart with the process and snapshot ids do not order, so they never match.
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
