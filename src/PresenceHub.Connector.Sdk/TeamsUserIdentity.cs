namespace PresenceHub.Connector.Sdk;

/// <summary>A Teams user as the hub knows them.</summary>
/// <param name="TeamsUserId">The Entra object id.</param>
/// <param name="UserPrincipalName">The user principal name; null when unknown.</param>
/// <param name="Mail">The primary mail address; null when unknown.</param>
public sealed record TeamsUserIdentity(string TeamsUserId, string? UserPrincipalName = null, string? Mail = null);
