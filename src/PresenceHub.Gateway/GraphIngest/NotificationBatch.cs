using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>What a webhook POST contained once every notification was checked.</summary>
internal sealed class NotificationBatch
{
    /// <summary>Presence updates that passed every check, in the order received.</summary>
    public List<PresenceUpdate> Presence { get; } = [];

    /// <summary>Users whose profile changed (organization, user id, whether Graph says the user was deleted).</summary>
    public List<(OrganizationId Organization, string UserId, bool Deleted)> ProfileChanges { get; } = [];

    /// <summary>Users whose Teams app installation changed (organization, installation resource).</summary>
    public List<(OrganizationId Organization, string Resource)> InstallationChanges { get; } = [];

    /// <summary>
    /// The Graph subscription each admitted presence or profile notification came through, by user, for the metadata
    /// log (organization, user id, subscription id, whether it was a profile change).
    /// </summary>
    public List<(OrganizationId Organization, string UserId, string SubscriptionId, bool IsProfile)> Sessions { get; } = [];

    /// <summary>Notifications dropped, by reason (unknown-subscription, client-state, validation-token, ...).</summary>
    public Dictionary<string, int> Rejected { get; } = new(StringComparer.Ordinal);

    public void Reject(string reason, int count = 1)
    {
        if (count > 0)
        {
            Rejected[reason] = Rejected.GetValueOrDefault(reason) + count;
        }
    }
}
