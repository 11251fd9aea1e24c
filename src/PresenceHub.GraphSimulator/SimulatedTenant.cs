namespace PresenceHub.GraphSimulator;

/// <summary>A simulated Entra ID tenant with its app registrations and users.</summary>
public sealed class SimulatedTenant
{
    /// <summary>Tenant id (a GUID string). Generated when empty.</summary>
    public string Id { get; set; } = "";

    /// <summary>Initial domain, e.g. <c>contoso.onmicrosoft.com</c>; also accepted in place of the id in authority URLs.</summary>
    public string Domain { get; set; } = "";

    /// <summary>App registrations of the tenant.</summary>
    public IList<SimulatedApp> Apps { get; set; } = [];

    /// <summary>Users of the tenant.</summary>
    public IList<SimulatedUser> Users { get; set; } = [];
}
