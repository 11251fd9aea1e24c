namespace PresenceHub.Connector.Sdk;

/// <summary>An identity to resolve: a platform user (find the Teams user) or a Teams user (find the platform user).</summary>
public sealed record IdentityQuery
{
    private IdentityQuery(string? platformUserId, string? mail, string? teamsUserId, string? userPrincipalName)
    {
        PlatformUserId = platformUserId;
        Mail = mail;
        TeamsUserId = teamsUserId;
        UserPrincipalName = userPrincipalName;
    }

    /// <summary>The platform user id, for a platform-side query.</summary>
    public string? PlatformUserId { get; }

    /// <summary>The platform user's mail, matched against Teams mail and user principal names; may be null.</summary>
    public string? Mail { get; }

    /// <summary>The Teams user's Entra object id, for a Teams-side query by id.</summary>
    public string? TeamsUserId { get; }

    /// <summary>The Teams user's user principal name or mail, for a Teams-side query by name.</summary>
    public string? UserPrincipalName { get; }

    /// <summary>Finds the Teams user linked to a platform user (override table first, then mail).</summary>
    public static IdentityQuery ForPlatformUser(string platformUserId, string? mail = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platformUserId);
        return new(platformUserId, mail, null, null);
    }

    /// <summary>Finds the platform user linked to a Teams user by Entra object id.</summary>
    public static IdentityQuery ForTeamsUser(string teamsUserId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(teamsUserId);
        return new(null, null, teamsUserId, null);
    }

    /// <summary>Finds the platform user linked to a Teams user by user principal name or mail.</summary>
    public static IdentityQuery ForUserPrincipalName(string userPrincipalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
        return new(null, null, null, userPrincipalName);
    }
}
