using System.Collections.Concurrent;

namespace PresenceHub.Connector.Sdk.Tests;

/// <summary>Records every event it is given, in order; optionally fails on chosen event ids once.</summary>
internal sealed class RecordingHandler : IConnectorHandler
{
    private readonly ConcurrentQueue<ConnectorEvent> _events = new();
    private readonly ConcurrentDictionary<string, bool> _failOnce = new();

    public IReadOnlyList<ConnectorEvent> Events => _events.ToList();

    public IReadOnlyList<string> EventIds => _events.Select(e => e.EventId).ToList();

    public Func<ConnectorEvent, Task>? OnEvent { get; set; }

    public void FailOnceOn(string eventId) => _failOnce[eventId] = true;

    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken) => RecordAsync(presenceEvent);

    public ValueTask OnProfileAsync(ProfileEvent profileEvent, CancellationToken cancellationToken) => RecordAsync(profileEvent);

    public ValueTask OnWithdrawnAsync(WithdrawnEvent withdrawnEvent, CancellationToken cancellationToken) => RecordAsync(withdrawnEvent);

    private async ValueTask RecordAsync(ConnectorEvent connectorEvent)
    {
        if (OnEvent is { } onEvent)
        {
            await onEvent(connectorEvent);
        }

        if (_failOnce.TryRemove(connectorEvent.EventId, out _))
        {
            throw new InvalidOperationException("The handler failed on purpose.");
        }

        _events.Enqueue(connectorEvent);
    }
}
