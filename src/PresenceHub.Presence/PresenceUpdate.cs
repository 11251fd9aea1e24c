namespace PresenceHub.Presence;

/// <summary>
/// A normalized presence event: one user's presence on one platform, as observed at one version.
/// </summary>
/// <param name="Organization">The organization the user belongs to; the event never leaves it.</param>
/// <param name="UserId">The user's id on <paramref name="Source"/> (the Entra object id for Teams).</param>
/// <param name="Source">The platform the presence was observed on.</param>
/// <param name="State">The presence.</param>
/// <param name="Version">Orders this update against others of the same user and source.</param>
/// <param name="Origin">
/// The platform the presence came from first. It differs from <paramref name="Source"/> when PresenceHub wrote it
/// into the source itself (write-back), and such an update is never sent back to <paramref name="Origin"/>.
/// </param>
/// <param name="ObservedAt">When the gateway or connector observed it.</param>
public sealed record PresenceUpdate(
    OrganizationId Organization,
    string UserId,
    Platform Source,
    PresenceState State,
    PresenceVersion Version,
    Platform Origin,
    DateTimeOffset ObservedAt)
{
    /// <summary>Whether this update should replace <paramref name="current"/> as the last-known state.</summary>
    /// <remarks>
    /// Versions decide; an equal version is a duplicate and does not replace. Only updates of the same user and
    /// source compare.
    /// </remarks>
    /// <exception cref="ArgumentException">The updates are of different users or sources.</exception>
    public bool Supersedes(PresenceUpdate? current)
    {
        if (current is null)
        {
            return true;
        }

        if (current.Organization != Organization || current.Source != Source ||
            !string.Equals(current.UserId, UserId, StringComparison.Ordinal))
        {
            throw new ArgumentException("Only updates of the same organization, user and source compare.", nameof(current));
        }

        return Version > current.Version;
    }

    /// <summary>Whether this update must not be sent to <paramref name="platform"/> (it came from there).</summary>
    public bool IsEchoFor(Platform platform) => Origin == platform;
}
