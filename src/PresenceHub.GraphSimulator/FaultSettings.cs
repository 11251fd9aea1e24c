namespace PresenceHub.GraphSimulator;

/// <summary>
/// Fault knobs of the simulator. Counters (<see cref="DropNext"/>, <see cref="DuplicateNext"/>) are consumed as
/// notifications flow; read <see cref="SimulatorControl.Faults"/> for the remaining values.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Silently drop the next N notification items (no POST carries them). Default 0.</summary>
    public int DropNext { get; init; }

    /// <summary>Silently drop this percentage (0-100) of notification items, at random. Default 0.</summary>
    public double DropPercentage { get; init; }

    /// <summary>Deliver each of the next N notification items twice (the copy in a later POST). Default 0.</summary>
    public int DuplicateNext { get; init; }

    /// <summary>Deliver this percentage (0-100) of notification items twice, at random. Default 0.</summary>
    public double DuplicatePercentage { get; init; }

    /// <summary>
    /// Hold this percentage (0-100) of notification items back, at random, and deliver them in a later POST than the
    /// items queued after them, so they arrive out of order across batches. Default 0.
    /// </summary>
    public double DelayPercentage { get; init; }

    /// <summary>Reverse the order of the items in every batch. Default false.</summary>
    public bool Reorder { get; init; }

    /// <summary>Answer every Nth Graph (<c>/v1.0</c>) call with 429 and Retry-After; 0 turns it off. Default 0.</summary>
    public int ThrottleEveryNthCall { get; init; }

    /// <summary>Retry-After seconds on the 429 answers of <see cref="ThrottleEveryNthCall"/>. Default 2.</summary>
    public int RetryAfterSeconds { get; init; } = 2;

    /// <summary>
    /// Apply Graph's slow-endpoint throttling: after 100 notifications in a 10-minute window, >= 10 % slower than
    /// 2,900 ms delays the endpoint by 10 minutes, >= 15 % drops its notifications. Default from options (false).
    /// </summary>
    public bool SlowEndpointThrottling { get; init; }

    /// <summary>
    /// The Content-Type of notification POSTs (change and lifecycle notifications), such as <c>text/plain</c>, for
    /// testing how an endpoint answers a body Graph would never send; null sends Graph's <c>application/json</c>.
    /// Default null.
    /// </summary>
    public string? DeliveryContentType { get; init; }

    /// <summary>
    /// The Entra ID token endpoint (<c>/{tenant}/oauth2/v2.0/token</c>) stops answering: every request to it gets 503,
    /// as during an outage, so tokens already issued and cached are all a client has. Default false.
    /// </summary>
    public bool TokenEndpointUnavailable { get; init; }

    /// <summary>Rich presence notifications carry statusMessage, outOfOfficeSettings and sequenceNumber. Default true.</summary>
    public bool IncludePresenceExtras { get; init; } = true;
}
