namespace PresenceHub.Gateway.Relay;

/// <summary>Why a user's presence left federation.</summary>
internal enum WithdrawalReason
{
    /// <summary>The user was deleted from the organization's directory.</summary>
    UserRemoved = 1,

    /// <summary>The user withdrew their consent.</summary>
    OptedOut = 2,

    /// <summary>The organization no longer entitles the user to federation (unassigned, or the app was removed).</summary>
    EntitlementRevoked = 3,
}
