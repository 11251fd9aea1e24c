namespace PresenceHub.GraphSimulator.Control;

/// <summary>Thread-safe counters behind <see cref="DeliveryStatistics"/>.</summary>
internal sealed class SimulatorCounters
{
    private long _successfulPosts;
    private long _deliveredItems;
    private long _failedPosts;
    private long _givenUp;
    private long _droppedByFault;
    private long _duplicatedByFault;
    private long _delayedByFault;
    private long _droppedByThrottling;
    private long _discardedExpired;
    private long _deferred;
    private long _slowPosts;
    private long _lifecycleDelivered;
    private long _handshakes;
    private long _graphCalls;
    private long _throttled;
    private long _subscriptionWrites;
    private long _subscriptionWritesThrottled;
    private long _peakSubscriptionWrites;
    private long _subscriptionReads;

    public void PostSucceeded(int items, int lifecycleItems)
    {
        Interlocked.Increment(ref _successfulPosts);
        Interlocked.Add(ref _deliveredItems, items);
        Interlocked.Add(ref _lifecycleDelivered, lifecycleItems);
    }

    public void PostFailed() => Interlocked.Increment(ref _failedPosts);

    public void GaveUp() => Interlocked.Increment(ref _givenUp);

    public void DroppedByFault() => Interlocked.Increment(ref _droppedByFault);

    public void DuplicatedByFault() => Interlocked.Increment(ref _duplicatedByFault);

    public void DelayedByFault() => Interlocked.Increment(ref _delayedByFault);

    public void DroppedByThrottling(int items) => Interlocked.Add(ref _droppedByThrottling, items);

    public void DiscardedExpired(int items) => Interlocked.Add(ref _discardedExpired, items);

    public void Deferred() => Interlocked.Increment(ref _deferred);

    public void SlowPost() => Interlocked.Increment(ref _slowPosts);

    public void Handshake() => Interlocked.Increment(ref _handshakes);

    public void GraphCall() => Interlocked.Increment(ref _graphCalls);

    public void Throttled() => Interlocked.Increment(ref _throttled);

    /// <summary>
    /// A subscription write (create, update, delete) arrived; <paramref name="inWindow"/> is how many writes its app and
    /// tenant made in the 20 s ending now, this one included when it was allowed.
    /// </summary>
    public void SubscriptionWrite(bool throttled, int inWindow)
    {
        Interlocked.Increment(ref _subscriptionWrites);
        if (throttled)
        {
            Interlocked.Increment(ref _subscriptionWritesThrottled);
            Throttled();
        }

        var peak = Interlocked.Read(ref _peakSubscriptionWrites);
        while (inWindow > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakSubscriptionWrites, inWindow, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    public void SubscriptionRead() => Interlocked.Increment(ref _subscriptionReads);

    public DeliveryStatistics Snapshot() => new()
    {
        SuccessfulPosts = Interlocked.Read(ref _successfulPosts),
        DeliveredItems = Interlocked.Read(ref _deliveredItems),
        FailedPosts = Interlocked.Read(ref _failedPosts),
        GivenUpBatches = Interlocked.Read(ref _givenUp),
        DroppedByFault = Interlocked.Read(ref _droppedByFault),
        DuplicatedByFault = Interlocked.Read(ref _duplicatedByFault),
        DelayedByFault = Interlocked.Read(ref _delayedByFault),
        DroppedByThrottling = Interlocked.Read(ref _droppedByThrottling),
        DiscardedExpired = Interlocked.Read(ref _discardedExpired),
        DeferredByThrottling = Interlocked.Read(ref _deferred),
        SlowPosts = Interlocked.Read(ref _slowPosts),
        LifecycleItemsDelivered = Interlocked.Read(ref _lifecycleDelivered),
        Handshakes = Interlocked.Read(ref _handshakes),
        GraphCalls = Interlocked.Read(ref _graphCalls),
        ThrottledCalls = Interlocked.Read(ref _throttled),
        SubscriptionWrites = Interlocked.Read(ref _subscriptionWrites),
        SubscriptionWritesThrottled = Interlocked.Read(ref _subscriptionWritesThrottled),
        PeakSubscriptionWritesPer20Seconds = Interlocked.Read(ref _peakSubscriptionWrites),
        SubscriptionReads = Interlocked.Read(ref _subscriptionReads),
    };
}
