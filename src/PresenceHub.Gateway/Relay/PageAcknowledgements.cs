namespace PresenceHub.Gateway.Relay;

/// <summary>
/// Counts the acknowledged events of each snapshot page a feed delivered, so a page is acknowledged to the store only
/// when every event in it is, whatever order the acknowledgements come in.
/// </summary>
internal sealed class PageAcknowledgements
{
    private readonly Dictionary<(string Mark, string Cursor), HashSet<int>> _pages = [];

    /// <summary>Records one event's acknowledgement; true when that completes its page.</summary>
    public bool Complete(SnapshotCursor cursor)
    {
        if (cursor.Count == 1)
        {
            return true;
        }

        if (!_pages.TryGetValue(cursor.PageKey, out var acknowledged))
        {
            // Pages of an abandoned snapshot are never completed; keep only a bounded number.
            if (_pages.Count >= 1024)
            {
                _pages.Clear();
            }

            _pages[cursor.PageKey] = acknowledged = [];
        }

        acknowledged.Add(cursor.Index);
        if (acknowledged.Count < cursor.Count)
        {
            return false;
        }

        _pages.Remove(cursor.PageKey);
        return true;
    }
}
