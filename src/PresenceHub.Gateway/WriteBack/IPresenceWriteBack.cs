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
}
