using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>Who called the admin API: the operator (admin key or demo sign-in), or an administrator of one organization.</summary>
/// <param name="Kind">How the caller was authenticated: <c>key</c>, <c>local</c> or <c>entra</c>.</param>
/// <param name="Organization">The organization an Entra administrator administers; null for the operator.</param>
internal sealed record AdminCaller(string Kind, OrganizationId? Organization)
{
    /// <summary>Whether the caller administers every organization.</summary>
    public bool IsOperator => Organization is null;

    /// <summary>Whether the caller may act on <paramref name="organization"/>.</summary>
    public bool MayAdminister(OrganizationId organization) => Organization is not { } own || own == organization;
}
