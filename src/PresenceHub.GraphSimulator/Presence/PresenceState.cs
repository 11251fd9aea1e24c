namespace PresenceHub.GraphSimulator.Presence;

/// <summary>A user's aggregated presence as Graph reports it.</summary>
internal sealed record PresenceState(
    string UserId,
    string TenantId,
    string Availability,
    string Activity,
    StatusMessage? StatusMessage,
    bool IsOutOfOffice,
    string? OutOfOfficeMessage,
    string SequenceNumber);
