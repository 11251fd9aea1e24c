using PresenceHub.Connector.Sdk;

namespace PresenceHub.Bench.E2e;

/// <summary>
/// The connector's handler: for every presence event the driver wrote, records the newest sequence handled per user
/// (to tell when the connector caught up), counts events (with those the gateway's stream queue replaced by a newer
/// state of the same user) and, within a recording window, the delay from the event's scheduled POST time.
/// </summary>
internal sealed class DeliveryRecorder(NotificationDriver driver) : IConnectorHandler
{
    private readonly long[] _handled = new long[driver.UserCount];
    private Window? _window;
    private long _events;
    private long _coalesced;

    public long[] Handled => _handled;

    /// <summary>Events handled, plus those replaced in the gateway's queue by a newer state that was handled.</summary>
    public long Delivered => Interlocked.Read(ref _events) + Interlocked.Read(ref _coalesced);

    public long Coalesced => Interlocked.Read(ref _coalesced);

    /// <summary>Records latencies of events scheduled from now on, up to <paramref name="capacity"/> of them.</summary>
    public Window Record(int capacity)
    {
        var window = new Window(driver.NowMicros, capacity);
        Volatile.Write(ref _window, window);
        return window;
    }

    public void StopRecording() => Volatile.Write(ref _window, null);

    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        var stamp = presenceEvent.Update.Version.Stamp;
        if (NotificationDriver.ScheduledMicros(stamp) is not { } scheduled)
        {
            // The keeper's first poll of each user, before the driver started: not part of the load.
            return ValueTask.CompletedTask;
        }

        Interlocked.Increment(ref _events);
        Interlocked.Add(ref _coalesced, presenceEvent.CoalescedCount);
        var index = driver.IndexOf(presenceEvent.Update.UserId);
        if (index >= 0)
        {
            var sequence = NotificationDriver.Sequence(stamp);
            var current = Volatile.Read(ref _handled[index]);
            while (sequence > current)
            {
                var seen = Interlocked.CompareExchange(ref _handled[index], sequence, current);
                if (seen == current)
                {
                    break;
                }

                current = seen;
            }
        }

        Volatile.Read(ref _window)?.Add(scheduled, driver.NowMicros);
        return ValueTask.CompletedTask;
    }

    /// <summary>End-to-end latencies (ms) of the events scheduled after the window opened.</summary>
    internal sealed class Window(long fromMicros, int capacity)
    {
        private readonly double[] _latencies = new double[capacity];
        private int _count;

        public int Count => Math.Min(Volatile.Read(ref _count), _latencies.Length);

        public void Add(long scheduledMicros, long nowMicros)
        {
            if (scheduledMicros < fromMicros)
            {
                return;
            }

            var index = Interlocked.Increment(ref _count) - 1;
            if (index < _latencies.Length)
            {
                _latencies[index] = (nowMicros - scheduledMicros) / 1000.0;
            }
        }

        public double[] Sorted()
        {
            var sorted = _latencies[..Count];
            Array.Sort(sorted);
            return sorted;
        }
    }
}
