namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>What a Graph subscription watches.</summary>
internal enum GraphSubscriptionKind
{
    /// <summary><c>/communications/presences</c> of up to 650 consenting users, owned by one of them (delegated).</summary>
    Presence = 1,
    /// <summary><c>/users</c> profile changes (app-only).</summary>
    Users = 2,
    /// <summary>Personal installations of the Teams app (app-only).</summary>
    AppInstallations = 3,
}
