namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>The lease of a gateway that shares its state with no other replica: always held.</summary>
internal sealed class SingleReplicaLease : IKeeperLease
{
    public Task<bool> TryHoldAsync(TimeSpan duration, CancellationToken cancellationToken) => Task.FromResult(true);
}
