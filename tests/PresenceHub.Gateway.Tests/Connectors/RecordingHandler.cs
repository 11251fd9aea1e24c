using System.Collections.Concurrent;
using PresenceHub.Connector.Sdk;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>A connector's handler that remembers every event it was given.</summary>
internal sealed class RecordingHandler : IConnectorHandler
{
    public ConcurrentQueue<PresenceEvent> Presence { get; } = new();

    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        Presence.Enqueue(presenceEvent);
        return ValueTask.CompletedTask;
    }

    public ConcurrentQueue<WithdrawnEvent> Withdrawn { get; } = new();

    public ValueTask OnWithdrawnAsync(WithdrawnEvent withdrawnEvent, CancellationToken cancellationToken)
    {
        Withdrawn.Enqueue(withdrawnEvent);
        return ValueTask.CompletedTask;
    }

    /// <summary>The newest presence received for a Teams user, by version; null when none.</summary>
    public PresenceEvent? Latest(string teamsUserId) =>
        Presence.Where(e => e.Update.UserId == teamsUserId).MaxBy(e => e.Update.Version);
}
