namespace PresenceHub.GraphSimulator.Graph;

/// <summary>The authenticated caller of a Graph request, read from its access token.</summary>
internal sealed record GraphCaller(string TenantId, string AppId, string? UserId, IReadOnlySet<string> Roles, IReadOnlySet<string> Scopes)
{
    public bool IsAppOnly => UserId is null;

    public bool HasRole(params string[] roles) => roles.Any(Roles.Contains);

    public bool HasScope(params string[] scopes) => scopes.Any(Scopes.Contains);

    /// <summary>True when the caller holds any of the permissions, as an app role or a delegated scope.</summary>
    public bool Has(params string[] permissions) => IsAppOnly ? HasRole(permissions) : HasScope(permissions);
}
