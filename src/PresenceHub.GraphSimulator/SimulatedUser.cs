namespace PresenceHub.GraphSimulator;

/// <summary>A user in a simulated tenant, as Graph's <c>/users</c> shows it.</summary>
public sealed class SimulatedUser
{
    /// <summary>Object id, a GUID string. Generated when empty.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Mail address.</summary>
    public string? Mail { get; set; }

    /// <summary>User principal name. Default <c>{id}@{tenant domain}</c>.</summary>
    public string UserPrincipalName { get; set; } = "";

    /// <summary>Job title.</summary>
    public string? JobTitle { get; set; }
}
