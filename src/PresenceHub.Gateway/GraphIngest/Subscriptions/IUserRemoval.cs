using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// What the subscription keeper needs to remove users who left (uninstalled the app): implemented by the
/// data-subject rights (<c>DataSubjects/UserPurge</c>), the one way every removal takes.
/// </summary>
internal interface IUserRemoval
{
    /// <summary>Removes the user and erases what PresenceHub holds of them, as a data subject's erasure does.</summary>
    Task EraseAsync(OrganizationId organization, string userId, WithdrawalReason reason, CancellationToken cancellationToken);

    /// <summary>Finishes removals that waited for connectors to acknowledge events; called once per keeper pass.</summary>
    Task CompletePendingAsync(CancellationToken cancellationToken);
}
