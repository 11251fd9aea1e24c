namespace PresenceHub.GraphSimulator;

/// <summary>A user's presence as Graph currently reports it.</summary>
/// <param name="UserId">The user's object id.</param>
/// <param name="Availability">Aggregated availability.</param>
/// <param name="Activity">Aggregated activity.</param>
/// <param name="StatusMessage">Status message text, or null.</param>
/// <param name="IsOutOfOffice">Whether out-of-office is on.</param>
/// <param name="SequenceNumber">Lexicographically sortable version stamp, bumped on every change.</param>
public sealed record PresenceSnapshot(string UserId, string Availability, string Activity, string? StatusMessage, bool IsOutOfOffice, string SequenceNumber);
