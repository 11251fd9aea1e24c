using System.Security.Cryptography;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Chooses how Teams presence updates are versioned. Graph's <c>sequenceNumber</c> orders updates exactly, but
/// whether rich presence notifications carry it is not documented. Versions of one kind must not mix (every
/// observed-time stamp sorts after every sequence stamp), so once an organization's notifications arrive without
/// one, all its Teams updates, polled ones included, are versioned by observed time from then on.
/// </summary>
internal sealed class PresenceVersionSource
{
    private readonly HashSet<OrganizationId> _observedTime = [];
    private readonly Lock _gate = new();
    private readonly ulong _replica = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) & 0xFFFF_FFFF_0000_0000;
    private long _counter;

    /// <summary>The version of a notification (or poll result) observed now.</summary>
    public PresenceVersion For(OrganizationId organization, PresenceVersion? sequence, DateTimeOffset observedAt, bool fromNotification = true)
    {
        lock (_gate)
        {
            if (sequence is null && fromNotification)
            {
                _observedTime.Add(organization);
            }

            if (sequence is { } exact && !_observedTime.Contains(organization))
            {
                return exact;
            }
        }

        // The tie-breaker is unique per replica and update, so two updates never share a version.
        return PresenceVersion.FromObservedTime(observedAt, _replica | (ulong)(uint)Interlocked.Increment(ref _counter));
    }
}
