namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The most recent cursors a stream had acknowledged, so a repeated acknowledgement is told apart from one naming a
/// cursor the stream never sent. Bounded: the oldest are forgotten first.
/// </summary>
internal sealed class RecentCursors(int capacity)
{
    private readonly Queue<string> _order = new();
    private readonly HashSet<string> _cursors = new(StringComparer.Ordinal);

    public bool Contains(string cursor) => _cursors.Contains(cursor);

    public void Add(string cursor)
    {
        if (!_cursors.Add(cursor))
        {
            return;
        }

        _order.Enqueue(cursor);
        if (_order.Count > capacity)
        {
            _cursors.Remove(_order.Dequeue());
        }
    }
}
