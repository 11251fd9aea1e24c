namespace PresenceHub.Connector.Sdk;

/// <summary>A user's profile as shown to people on other platforms. Every text is null when unknown.</summary>
/// <param name="DisplayName">The display name.</param>
/// <param name="Mail">The primary mail address.</param>
/// <param name="UserPrincipalName">The user principal name.</param>
/// <param name="JobTitle">The job title.</param>
/// <param name="AccountEnabled">Whether the account is enabled.</param>
public sealed record UserProfile(
    string? DisplayName,
    string? Mail = null,
    string? UserPrincipalName = null,
    string? JobTitle = null,
    bool AccountEnabled = true);
