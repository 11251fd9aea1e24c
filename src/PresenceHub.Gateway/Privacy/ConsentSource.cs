namespace PresenceHub.Gateway.Privacy;

/// <summary>How a user came to take part in federation.</summary>
internal enum ConsentSource
{
    /// <summary>An administrator assigned the user explicitly.</summary>
    AdminAssigned = 1,

    /// <summary>The user installed the Teams app and signed in; their delegated session can own subscriptions.</summary>
    SignedIn = 2,
}
