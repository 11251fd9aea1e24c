namespace PresenceHub.Connector.Sdk;

/// <summary>Why a user was withdrawn from a connector.</summary>
public enum WithdrawalReason
{
    /// <summary>Not given.</summary>
    Unspecified = 0,
    /// <summary>The user was deleted or disabled in the organization.</summary>
    UserRemoved,
    /// <summary>The user uninstalled the PresenceHub app or opted out of federation.</summary>
    OptedOut,
    /// <summary>An administrator removed the user from this connector's entitlement.</summary>
    EntitlementRevoked,
}
