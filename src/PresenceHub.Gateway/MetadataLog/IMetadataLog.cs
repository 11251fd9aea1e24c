using PresenceHub.Presence;

namespace PresenceHub.Gateway.MetadataLog;

/// <summary>
/// The metadata log of an organization: one entry per message processed (inbound from Graph, outbound to a
/// connector, written back into Teams), kept for the configured retention and trimmed automatically.
/// </summary>
internal interface IMetadataLog
{
    /// <summary>Records entries. Best effort by design: a failure to log never blocks or loses the message itself.</summary>
    ValueTask AppendAsync(OrganizationId organization, IReadOnlyList<MetadataLogEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Entries of an organization, newest first, in a time range, optionally only those concerning one Teams user.
    /// </summary>
    /// <param name="organization">The organization.</param>
    /// <param name="userId">A Teams user's object id; null for every entry.</param>
    /// <param name="from">Earliest time, inclusive.</param>
    /// <param name="to">Latest time, inclusive.</param>
    /// <param name="limit">Most entries to return.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<MetadataLogEntry>> QueryAsync(
        OrganizationId organization, string? userId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes every entry concerning a Teams user; returns how many.</summary>
    Task<int> EraseUserAsync(OrganizationId organization, string userId, CancellationToken cancellationToken);
}
