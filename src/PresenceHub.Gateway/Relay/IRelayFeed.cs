using PresenceHub.Gateway.State;
namespace PresenceHub.Gateway.Relay;

/// <summary>
/// One connector instance's view of its connector's events. One read at a time; acknowledging may overlap a read.
/// </summary>
/// <remarks>
/// When the connector falls further behind than the configured lag bound, or events it had not acknowledged were
/// dropped by retention, its backlog is coalesced: the events it had not read are skipped and it receives instead
/// a snapshot of the last-known presence of every user of its organization (events with
/// <see cref="RelayEvent.IsSnapshot"/> set), then follows new events again.
/// </remarks>
internal interface IRelayFeed : IAsyncDisposable
{
    /// <summary>The connector this feed belongs to.</summary>
    ConnectorFeedId Connector { get; }

    /// <summary>Where the feed started, as decided when it was opened.</summary>
    FeedStart Start { get; }

    /// <summary>
    /// Returns the next events, waiting until there is at least one. Events stay pending until acknowledged.
    /// </summary>
    /// <param name="maxCount">Most events to return (1 to 1000).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached; read again later.</exception>
    ValueTask<IReadOnlyList<RelayEvent>> ReadAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Marks events as handled so they are never delivered to this connector again. Acknowledging an id twice,
    /// or one that was already reclaimed or trimmed, does nothing.
    /// </summary>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached; the events stay pending.</exception>
    ValueTask AcknowledgeAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken);
}
