namespace PresenceHub.Connector.Sdk;

/// <summary>
/// Handles the events the hub delivers. The client calls one method at a time, in delivery order, and acknowledges
/// an event only after its method returned, so an event whose handling threw is delivered again (after the client
/// reconnects with backoff). Catch what you want to skip. Events the client has seen before are not passed on.
/// </summary>
public interface IConnectorHandler
{
    /// <summary>A user's presence changed.</summary>
    ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken);

    /// <summary>A user's profile changed, or the user became visible. Does nothing unless implemented.</summary>
    ValueTask OnProfileAsync(ProfileEvent profileEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A user is no longer visible: clear what the connector shows for them. Does nothing unless implemented.</summary>
    ValueTask OnWithdrawnAsync(WithdrawnEvent withdrawnEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
