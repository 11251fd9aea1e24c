using PresenceHub.Presence;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// Writes presence that connectors published for linked Teams users back into Teams as our application's presence
/// session (<c>setPresence</c>), keeps it refreshed before it expires, and clears it when the platform goes offline.
/// </summary>
internal interface IPresenceWriteBack
{
    /// <summary>
    /// Takes presence the relay accepted from a connector (<see cref="PresenceUpdate.UserId"/> is the Teams user's
    /// object id, <see cref="PresenceUpdate.Source"/> the connector's platform). Durable when this returns: a crash
    /// afterwards still writes it. Updates that do not supersede what was submitted before are ignored.
    /// </summary>
    Task SubmitAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the write-back session of a user who left federation (every way of leaving takes this): our session in
    /// their Teams presence is cleared with <c>clearPresence</c>, retried like any write, and the user's entry is
    /// deleted once Teams confirmed it (or has no such user, or the session has expired by itself). Durable when this
    /// returns, without waiting for Graph: the worker makes the call. From now on the entry takes no updates. An entry
    /// that cannot hold a session in Teams is deleted at once.
    /// </summary>
    /// <param name="organization">The user's organization.</param>
    /// <param name="userId">The Teams user's Entra object id.</param>
    /// <param name="cancellationToken">Cancels the request; what was recorded stays recorded.</param>
    /// <returns>Whether the user had a write-back entry.</returns>
    /// <exception cref="State.StateUnavailableException">The store cannot be reached.</exception>
    Task<bool> EndSessionAsync(OrganizationId organization, string userId, CancellationToken cancellationToken);
}
