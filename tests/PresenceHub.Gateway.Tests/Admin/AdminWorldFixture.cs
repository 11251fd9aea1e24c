using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Admin;

/// <summary>
/// A gateway serving two organizations: A (the world's tenant) and B (another tenant that installed the same app),
/// each with an administrator assigned the app role <c>PresenceHub.Admin</c>, and in A a user without it; and a
/// stranger tenant the gateway does not serve, whose administrator holds the role too.
/// </summary>
public sealed class AdminWorldFixture : IAsyncLifetime
{
    public const string AdminRole = "PresenceHub.Admin";

    internal GraphIngestWorld World { get; private set; } = null!;

    internal OrganizationId OrganizationA => World.Organization;

    internal OrganizationId OrganizationB { get; private set; }

    /// <summary>A token of A's administrator for PresenceHub's API, as Entra ID issues it: it carries the app role.</summary>
    internal string AdminTokenOfA { get; private set; } = "";

    internal string AdminTokenOfB { get; private set; } = "";

    /// <summary>A tenant not in <c>Organizations:Allowed</c>.</summary>
    internal OrganizationId StrangerOrganization { get; private set; }

    /// <summary>A token of the stranger's administrator, carrying the app role.</summary>
    internal string AdminTokenOfStranger { get; private set; } = "";

    /// <summary>A token of a user of A without the app role.</summary>
    internal string UserTokenOfA { get; private set; } = "";

    public async Task InitializeAsync()
    {
        World = await GraphIngestWorld.StartAsync(users: 2, gatewaySettings: new Dictionary<string, string?> { ["AdminConsole:LocalSignIn"] = "true" });
        var control = World.Control;
        var tenantB = World.AddPartnerTenant("fabrikam.onmicrosoft.com");
        control.AddApp(tenantB, new SimulatedApp { ClientId = World.ClientId, DisplayName = "PresenceHub" });
        OrganizationB = OrganizationId.Parse(tenantB);
        var adminOfB = control.CreateUsers(tenantB, 1, "fabrikamadmin")[0];
        control.AssignAppRole(tenantB, adminOfB, World.ClientId, AdminRole);
        var adminOfA = World.UserIds[0];
        control.AssignAppRole(OrganizationA.ToString(), adminOfA, World.ClientId, AdminRole);
        AdminTokenOfA = control.MintTeamsSsoToken(OrganizationA.ToString(), adminOfA, World.ClientId);
        AdminTokenOfB = control.MintTeamsSsoToken(tenantB, adminOfB, World.ClientId);
        UserTokenOfA = control.MintTeamsSsoToken(OrganizationA.ToString(), World.UserIds[1], World.ClientId);

        // A stranger: a tenant the gateway does not serve, whose administrator granted itself the role.
        var stranger = control.AddTenant(new SimulatedTenant { Domain = "stranger.onmicrosoft.com" });
        control.AddApp(stranger, new SimulatedApp { ClientId = World.ClientId, DisplayName = "PresenceHub" });
        StrangerOrganization = OrganizationId.Parse(stranger);
        var adminOfStranger = control.CreateUsers(stranger, 1, "strangeradmin")[0];
        control.AssignAppRole(stranger, adminOfStranger, World.ClientId, AdminRole);
        AdminTokenOfStranger = control.MintTeamsSsoToken(stranger, adminOfStranger, World.ClientId);
    }

    public async Task DisposeAsync() => await World.DisposeAsync();
}
