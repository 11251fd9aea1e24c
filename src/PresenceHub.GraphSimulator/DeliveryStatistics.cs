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

    /// <summary>Graph calls answered 429.</summary>
    public long ThrottledCalls { get; init; }
}
