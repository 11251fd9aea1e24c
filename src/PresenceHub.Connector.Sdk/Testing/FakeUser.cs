using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>A user the <see cref="FakePresenceHub"/> knows.</summary>
/// <param name="TeamsUserId">The Entra object id.</param>
/// <param name="UserPrincipalName">The user principal name.</param>
/// <param name="Mail">The mail address; null when none.</param>
/// <param name="PlatformUserId">The linked id on the connector's platform; null when not linked.</param>
/// <param name="Organization">The user's organization; null for the hub's own.</param>
public sealed record FakeUser(
    string TeamsUserId,
    string UserPrincipalName,
    string? Mail = null,
    string? PlatformUserId = null,
    OrganizationId? Organization = null)
{
    /// <summary>A user with a new id, UPN and mail <c>{alias}@contoso.example</c>, linked to <paramref name="platformUserId"/> when given.</summary>
    public static FakeUser Create(string alias, string? platformUserId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        var address = alias + "@contoso.example";
        return new FakeUser(Guid.NewGuid().ToString("D"), address, address, platformUserId);
    }
}
