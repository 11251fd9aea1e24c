using System.Globalization;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The id of an event from a snapshot page: which snapshot (mark), which page (cursor, and the cursor after it), and
/// the event's place in the page. Acknowledging the page's last event acknowledges the page.
/// </summary>
internal readonly record struct SnapshotCursor(string Mark, string Cursor, string Next, int Index, int Count)
{
    private const string Prefix = "s:";

    public bool IsLastOfPage => Index == Count - 1;

    public static bool IsSnapshotId(string id) => id.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool TryParse(string id, out SnapshotCursor cursor)
    {
        cursor = default;
        if (!IsSnapshotId(id))
        {
            return false;
        }

        var parts = id[Prefix.Length..].Split(':');
        if (parts.Length != 5 ||
            !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ||
            !int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        cursor = new SnapshotCursor(parts[0], parts[1], parts[2], index, count);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Mark}:{Cursor}:{Next}:{Index}:{Count}");
}
