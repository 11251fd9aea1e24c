namespace PresenceHub.Gateway.Profiles;

/// <summary>What the gateway keeps of a consenting Teams user's directory profile: identifiers connectors need, no more.</summary>
/// <param name="UserId">The Entra object id (lowercase).</param>
/// <param name="DisplayName">The display name; null when Graph has none.</param>
/// <param name="Mail">The primary mail address; null when none.</param>
/// <param name="UserPrincipalName">The sign-in name.</param>
/// <param name="JobTitle">The job title; null when none.</param>
/// <param name="AccountEnabled">Whether the account can sign in.</param>
internal sealed record UserProfileRecord(
    string UserId,
    string? DisplayName,
    string? Mail,
    string? UserPrincipalName,
    string? JobTitle,
    bool AccountEnabled);
