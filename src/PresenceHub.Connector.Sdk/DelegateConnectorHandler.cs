namespace PresenceHub.Connector.Sdk;

/// <summary>A handler made of a delegate, for connectors that only relay presence.</summary>
internal sealed class DelegateConnectorHandler(Func<PresenceEvent, CancellationToken, ValueTask> onPresence) : IConnectorHandler
{
    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken) =>
        onPresence(presenceEvent, cancellationToken);
}
