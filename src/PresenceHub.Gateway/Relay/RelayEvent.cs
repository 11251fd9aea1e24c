using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Relay;

/// <summary>One event delivered to a connector.</summary>
/// <param name="Id">Identifies the event within its connector's feed; acknowledge it with this id.</param>
/// <param name="Kind">What happened; the payload property of that kind is set.</param>
/// <param name="Organization">The organization of the event.</param>
/// <param name="Presence">The presence update, for <see cref="RelayEventKind.Presence"/>.</param>
/// <param name="TraceParent">The W3C traceparent captured when the event was published; null when none.</param>
/// <param name="TraceState">The W3C tracestate captured with it; null when none.</param>
/// <param name="IsSnapshot">Whether the event comes from a snapshot of last-known presence rather than the event stream.</param>
/// <param name="Profile">The user's new profile, for <see cref="RelayEventKind.Profile"/>.</param>
/// <param name="Withdrawal">Who left federation and why, for <see cref="RelayEventKind.Withdrawn"/>.</param>
internal sealed record RelayEvent(
    string Id,
    RelayEventKind Kind,
    OrganizationId Organization,
    PresenceUpdate? Presence,
    string? TraceParent,
    string? TraceState,
    bool IsSnapshot = false,
    UserProfileRecord? Profile = null,
    UserWithdrawal? Withdrawal = null);
