namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>Makes exactly one gateway replica the subscription keeper at a time.</summary>
internal interface IKeeperLease
{
    /// <summary>Takes or extends the lease; false while another replica holds it.</summary>
    Task<bool> TryHoldAsync(TimeSpan duration, CancellationToken cancellationToken);
}
