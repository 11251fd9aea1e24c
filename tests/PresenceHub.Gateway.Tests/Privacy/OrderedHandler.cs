using System.Collections.Concurrent;
using PresenceHub.Connector.Sdk;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>A connector's handler that keeps every event it was given, presence, profile and withdrawn alike, in delivery order.</summary>
internal sealed class OrderedHandler : IConnectorHandler
{
    public ConcurrentQueue<ConnectorEvent> Events { get; } = new();

    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(presenceEvent);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnProfileAsync(ProfileEvent profileEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(profileEvent);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnWithdrawnAsync(WithdrawnEvent withdrawnEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(withdrawnEvent);
        return ValueTask.CompletedTask;
    }

    /// <summary>The user's events, oldest first.</summary>
    public IReadOnlyList<ConnectorEvent> Of(string teamsUserId) => Events.Where(e => e.User.TeamsUserId == teamsUserId).ToList();

    /// <summary>The user's presence events after their last withdrawn event (all of them when never withdrawn).</summary>
    public IReadOnlyList<PresenceEvent> PresenceAfterWithdrawal(string teamsUserId)
    {
        var events = Of(teamsUserId);
        var last = events.Select((e, i) => (e, i)).LastOrDefault(x => x.e is WithdrawnEvent).i;
        return events.Skip(events.Any(e => e is WithdrawnEvent) ? last + 1 : 0).OfType<PresenceEvent>().ToList();
    }
}
