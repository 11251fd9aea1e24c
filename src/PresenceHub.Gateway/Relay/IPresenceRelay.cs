using PresenceHub.Gateway.State;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// Carries normalized events from ingest to every connector of an organization: durable before publishing returns,
/// delivered at least once per connector, resumable after a crash or a reconnect to any gateway replica.
/// </summary>
/// <remarks>
/// Ordering: a connector reading with one consumer sees one organization's events in publish order, except around a
/// coalesce (see <see cref="IRelayFeed"/>) or when several consumers share a connector. Consumers therefore apply an
/// update only when it <see cref="PresenceUpdate.Supersedes"/> what they hold; versions make redelivery harmless.
/// </remarks>
internal interface IPresenceRelay
{
    /// <summary>
    /// Stores a batch of updates as the last-known presence and fans out each that is newer than the last-known
    /// presence of its organization, source and user, in one round trip. Updates are applied in order, so a later
    /// update of the same user in the batch compares against an earlier one.
    /// </summary>
    /// <returns>One outcome per update, in order. When this returns, accepted updates are durable.</returns>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached; nothing may have been applied, so publish again.</exception>
    Task<IReadOnlyList<PublishOutcome>> PublishAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken);

    /// <summary>Reads the last-known presence of users of one organization; null for a user with none.</summary>
    /// <returns>One entry per subject, in order.</returns>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached.</exception>
    Task<IReadOnlyList<PresenceUpdate?>> GetLastKnownAsync(
        OrganizationId organization, IReadOnlyList<PresenceSubject> subjects, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connector's feed. A connector seen for the first time starts with a snapshot of every last-known
    /// presence of its organization, then follows new events. A connector seen before resumes after its last
    /// acknowledgement.
    /// </summary>
    /// <param name="connector">The organization and connector the feed belongs to.</param>
    /// <param name="consumer">
    /// A stable name of the connector instance reading (letters, digits, '-', '_', '.'; at most 64). Reopening
    /// with the same name redelivers that instance's unacknowledged events at once; those of another instance are
    /// reclaimed once they have been idle for the configured reclaim time.
    /// </param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached.</exception>
    Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, CancellationToken cancellationToken) =>
        OpenFeedAsync(connector, consumer, null, cancellationToken);

    /// <summary>
    /// Opens a connector's feed to resume after a cursor the connector names (the id of the last event it handled).
    /// Events at or before a cursor that was delivered and is still retained are acknowledged and the feed resumes
    /// after it (<see cref="FeedStart.Resumed"/>). A cursor that is malformed, unknown, newer than anything delivered
    /// or older than the relay retains skips the backlog and starts the feed with a snapshot
    /// (<see cref="FeedStart.Snapshot"/>). Without a cursor the feed continues after the last acknowledgement
    /// (<see cref="FeedStart.Resumed"/>), or, for a connector that never acknowledged anything, from the start of its
    /// first snapshot (<see cref="FeedStart.Fresh"/>).
    /// </summary>
    /// <param name="connector">The organization and connector the feed belongs to.</param>
    /// <param name="consumer">A stable name of the connector instance reading, as above.</param>
    /// <param name="resumeCursor">The connector's resume cursor; null for none.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached.</exception>
    Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, string? resumeCursor, CancellationToken cancellationToken);

    /// <summary>
    /// Fans out one <see cref="RelayEventKind.Profile"/> event per profile to every connector of the organization,
    /// in order, in one round trip. Profiles are not kept as last-known state: snapshots carry presence only.
    /// </summary>
    /// <remarks>When this returns, the events are durable.</remarks>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached; nothing may have been applied, so publish again.</exception>
    Task PublishProfilesAsync(OrganizationId organization, IReadOnlyList<UserProfileRecord> profiles, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the last-known presence of every source of each user, so no later snapshot contains them, and fans
    /// out one <see cref="RelayEventKind.Withdrawn"/> event per user to every connector of the organization, in one
    /// round trip. Withdrawing a user with no presence still fans out the event.
    /// </summary>
    /// <remarks>When this returns, the removal and the events are durable.</remarks>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached; nothing may have been applied, so withdraw again.</exception>
    Task WithdrawAsync(OrganizationId organization, IReadOnlyList<UserWithdrawal> users, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the stored events that mention a user (presence, profile and withdrawn events) once every connector of
    /// the organization has acknowledged them. The first call (<paramref name="through"/> null) also deletes the
    /// user's last-known presence of every source, and covers the events published until then. Events a connector has
    /// yet to read or acknowledge stay, so a withdrawn event still reaches it: call again later with the returned
    /// <see cref="RelayErasure.Through"/>, which touches only events up to that position and no last-known presence.
    /// </summary>
    /// <returns>How many events were deleted, how many that mention the user are still held, and the position covered.</returns>
    /// <exception cref="StateUnavailableException">The relay's store cannot be reached; forget again.</exception>
    Task<RelayErasure> ForgetAsync(OrganizationId organization, string userId, string? through, CancellationToken cancellationToken);
}
