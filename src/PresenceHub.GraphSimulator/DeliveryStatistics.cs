namespace PresenceHub.GraphSimulator;

/// <summary>Counters of the simulator's outbound traffic and Graph calls, since start.</summary>
public sealed record DeliveryStatistics
{
    /// <summary>Notification POSTs answered with 2xx in time.</summary>
    public long SuccessfulPosts { get; init; }

    /// <summary>Notification items delivered (in POSTs answered with 2xx in time).</summary>
    public long DeliveredItems { get; init; }

    /// <summary>Notification POSTs that failed (non-2xx, timeout, connection error).</summary>
    public long FailedPosts { get; init; }

    /// <summary>Batches given up after the retry window.</summary>
    public long GivenUpBatches { get; init; }

    /// <summary>Items dropped by the drop knobs.</summary>
    public long DroppedByFault { get; init; }

    /// <summary>Items queued a second time by the duplicate knobs.</summary>
    public long DuplicatedByFault { get; init; }

    /// <summary>Items held back for a later POST by <see cref="FaultSettings.DelayPercentage"/>.</summary>
    public long DelayedByFault { get; init; }

    /// <summary>Items dropped by slow-endpoint throttling.</summary>
    public long DroppedByThrottling { get; init; }

    /// <summary>Times a batch was held back because slow-endpoint throttling delayed its endpoint.</summary>
    public long DeferredByThrottling { get; init; }

    /// <summary>Items discarded because their subscription had expired or was deleted before delivery.</summary>
    public long DiscardedExpired { get; init; }

    /// <summary>POSTs that took longer than 2,900 ms.</summary>
    public long SlowPosts { get; init; }

    /// <summary>Lifecycle notification items delivered.</summary>
    public long LifecycleItemsDelivered { get; init; }

    /// <summary>Validation handshakes sent.</summary>
    public long Handshakes { get; init; }

    /// <summary>Graph (<c>/v1.0</c>) calls received.</summary>
    public long GraphCalls { get; init; }

    /// <summary>Graph calls answered 429 (the every-Nth-call knob and Graph's own limits).</summary>
    public long ThrottledCalls { get; init; }

    /// <summary>Subscription writes received (<c>POST</c>, <c>PATCH</c> and <c>DELETE</c> on <c>/subscriptions</c>), throttled ones included.</summary>
    public long SubscriptionWrites { get; init; }

    /// <summary>Subscription writes answered 429 by Graph's limit of 1,000 per 20 s per app per tenant (or 2,000 per tenant).</summary>
    public long SubscriptionWritesThrottled { get; init; }

    /// <summary>
    /// The most subscription writes one app made in one tenant within any 20 s of the simulator clock (writes Graph
    /// accepted; at most 1,000, beyond which it answers 429).
    /// </summary>
    public long PeakSubscriptionWritesPer20Seconds { get; init; }

    /// <summary>Reads of one subscription received (<c>GET /subscriptions/{id}</c>), answered or not.</summary>
    public long SubscriptionReads { get; init; }
}
