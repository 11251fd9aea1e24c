namespace PresenceHub.Gateway.Relay;

/// <summary>A user whose presence connectors must forget.</summary>
/// <param name="UserId">The user's id (the Entra object id for Teams users).</param>
/// <param name="Reason">Why.</param>
internal sealed record UserWithdrawal(string UserId, WithdrawalReason Reason);
