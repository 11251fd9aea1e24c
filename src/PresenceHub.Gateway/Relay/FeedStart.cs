namespace PresenceHub.Gateway.Relay;

/// <summary>Where a connector's feed starts, as decided when it was opened.</summary>
internal enum FeedStart
{
    /// <summary>Right after the connector's resume cursor, or after its last acknowledgement: nothing is lost.</summary>
    Resumed,

    /// <summary>
    /// The connector has acknowledged nothing yet: the feed starts with a snapshot of every last-known presence (or
    /// continues the one it has not finished), then follows new events.
    /// </summary>
    Fresh,

    /// <summary>
    /// The resume cursor was unknown, malformed, newer than anything delivered, or older than the relay retains: the
    /// backlog is skipped and the feed starts with a snapshot of every last-known presence.
    /// </summary>
    Snapshot,
}
