namespace PresenceHub.Connector.Sdk;

/// <summary>The most recent event ids, bounded, for dropping duplicate deliveries. Not thread-safe: one reader uses it.</summary>
internal sealed class EventIdWindow(int capacity)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count => _ids.Count;

    public bool Contains(string eventId) => _ids.Contains(eventId);

    /// <summary>Remembers an id, forgetting the oldest when full. Returns false when it was already remembered.</summary>
    public bool Add(string eventId)
    {
        if (!_ids.Add(eventId))
        {
            return false;
        }

        _order.Enqueue(eventId);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }
}
