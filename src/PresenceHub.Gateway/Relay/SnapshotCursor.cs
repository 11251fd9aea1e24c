using System.Globalization;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The id of an event from a snapshot page: the stream position the snapshot was taken at, the page's ordinal and the
/// event's place in it (which order it among the connector's events), then which snapshot (mark) and which page
/// (cursor, and the cursor after it) for acknowledging. A page is acknowledged once every event in it is.
/// </summary>
/// <remarks>
/// Written as <c>{at}~{page:D10}.{index:D6}:{mark}:{cursor}:{next}:{count}</c>. <c>~</c> sorts after every character
/// of a stream id, so the snapshot's events sort after the events delivered before it was taken (at or below
/// <c>at</c>) and before those appended after it (above <c>at</c>), in ordinal comparison like every event id.
/// </remarks>
internal readonly record struct SnapshotCursor(string At, long Page, int Index, string Mark, string Cursor, string Next, int Count)
{
    private const char Separator = '~';

    public static bool IsSnapshotId(string id) => id.Contains(Separator, StringComparison.Ordinal);

    public static bool TryParse(string id, out SnapshotCursor cursor)
    {
        cursor = default;
        var separator = id.IndexOf(Separator, StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        var parts = id[(separator + 1)..].Split(':');
        if (parts.Length != 5)
        {
            return false;
        }

        var position = parts[0].Split('.');
        if (position.Length != 2 ||
            !long.TryParse(position[0], NumberStyles.None, CultureInfo.InvariantCulture, out var page) ||
            !int.TryParse(position[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ||
            !int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var count) ||
            index >= count)
        {
            return false;
        }

        cursor = new SnapshotCursor(id[..separator], page, index, parts[1], parts[2], parts[3], count);
        return true;
    }

    /// <summary>Identifies the page the event belongs to.</summary>
    public (string Mark, string Cursor) PageKey => (Mark, Cursor);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{At}{Separator}{Page:D10}.{Index:D6}:{Mark}:{Cursor}:{Next}:{Count}");
}
