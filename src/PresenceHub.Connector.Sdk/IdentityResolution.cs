namespace PresenceHub.Connector.Sdk;

/// <summary>The resolution of one identity query.</summary>
/// <param name="Query">The query as asked.</param>
/// <param name="Match">How it was resolved.</param>
/// <param name="User">The Teams user; null unless matched.</param>
/// <param name="PlatformUserId">The platform user id; null unless known.</param>
public sealed record IdentityResolution(IdentityQuery Query, IdentityMatch Match, TeamsUserIdentity? User, string? PlatformUserId)
{
    /// <summary>Whether the identities are linked.</summary>
    public bool IsLinked => Match is IdentityMatch.Override or IdentityMatch.Mail or IdentityMatch.UserPrincipalName;
}
