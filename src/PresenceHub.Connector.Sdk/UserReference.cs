namespace PresenceHub.Connector.Sdk;

/// <summary>Names a user in a request, in exactly one way.</summary>
public sealed record UserReference
{
    private UserReference(string? teamsUserId, string? userPrincipalName, string? platformUserId)
    {
        TeamsUserId = teamsUserId;
        UserPrincipalName = userPrincipalName;
        PlatformUserId = platformUserId;
    }

    /// <summary>The Teams user's Entra object id, when named that way.</summary>
    public string? TeamsUserId { get; }

    /// <summary>The Teams user's user principal name or mail, when named that way.</summary>
    public string? UserPrincipalName { get; }

    /// <summary>The user's id on the connector's platform, when named that way.</summary>
    public string? PlatformUserId { get; }

    /// <summary>A Teams user by Entra object id.</summary>
    public static UserReference ForTeamsUser(string teamsUserId) => new(Required(teamsUserId), null, null);

    /// <summary>A Teams user by user principal name or mail.</summary>
    public static UserReference ForUserPrincipalName(string userPrincipalName) => new(null, Required(userPrincipalName), null);

    /// <summary>A user by their id on the connector's platform.</summary>
    public static UserReference ForPlatformUser(string platformUserId) => new(null, null, Required(platformUserId));

    private static string Required(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A user reference needs a non-empty id.", name) : value;
}
