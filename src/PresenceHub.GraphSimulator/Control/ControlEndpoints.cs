using PresenceHub.GraphSimulator.Identity;

namespace PresenceHub.GraphSimulator.Control;

/// <summary>The control API over HTTP under <c>/_simulator</c>, for the process mode (demo, end-to-end tests).</summary>
internal static class ControlEndpoints
{
    public static IEndpointRouteBuilder MapSimulatorControl(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/_simulator").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
            catch (InvalidOperationException ex)
            {
                return Results.Problem(ex.Message, statusCode: 409);
            }
        });

        group.MapGet("/ca.pem", (SimulatorCertificates certificates) => Results.Text(certificates.AuthorityPem, "application/x-pem-file"));
        group.MapGet("/clock", (SimulatorControl control) => Results.Ok(new { now = control.Now }));
        group.MapPost("/clock/advance", (AdvanceRequest request, SimulatorControl control) =>
        {
            control.AdvanceClock(TimeSpan.FromSeconds(request.Seconds));
            return Results.Ok(new { now = control.Now });
        });

        group.MapPost("/tenants", (SimulatedTenant tenant, SimulatorControl control) => Results.Ok(new { id = control.AddTenant(tenant) }));
        group.MapPost("/tenants/{tenantId}/apps", (string tenantId, SimulatedApp app, SimulatorControl control) => Results.Ok(new { clientId = control.AddApp(tenantId, app) }));
        group.MapPost("/tenants/{tenantId}/users", (string tenantId, SimulatedUser user, SimulatorControl control) => Results.Ok(new { id = control.AddUser(tenantId, user) }));
        group.MapPost("/tenants/{tenantId}/users/bulk", (string tenantId, BulkUsersRequest request, SimulatorControl control) =>
            Results.Ok(new { ids = control.CreateUsers(tenantId, request.Count, request.Prefix ?? "simuser") }));
        group.MapPatch("/users/{userId}", (string userId, UpdateUserRequest request, SimulatorControl control) =>
        {
            control.UpdateUser(userId, request.DisplayName, request.Mail, request.UserPrincipalName, request.JobTitle);
            return Results.NoContent();
        });
        group.MapDelete("/users/{userId}", (string userId, SimulatorControl control) => control.DeleteUser(userId) ? Results.NoContent() : Results.NotFound());
        group.MapPost("/tenants/{tenantId}/teamsApps", (string tenantId, TeamsAppRequest request, SimulatorControl control) =>
        {
            control.AddTeamsApp(tenantId, request.Id, request.DisplayName, request.ExternalId);
            return Results.NoContent();
        });
        group.MapPost("/users/{userId}/installedApps/{teamsAppId}", (string userId, string teamsAppId, SimulatorControl control) =>
            Results.Ok(new { id = control.InstallApp(userId, teamsAppId) }));
        group.MapDelete("/users/{userId}/installedApps/{teamsAppId}", (string userId, string teamsAppId, SimulatorControl control) =>
            control.UninstallApp(userId, teamsAppId) ? Results.NoContent() : Results.NotFound());

        group.MapPost("/tenants/{tenantId}/users/{userId}/teamsSsoToken", (string tenantId, string userId, TokenRequest request, SimulatorControl control) =>
            Results.Ok(new { token = control.MintTeamsSsoToken(tenantId, userId, request.ClientId, request.LifetimeSeconds is { } s ? TimeSpan.FromSeconds(s) : null) }));
        group.MapPost("/tenants/{tenantId}/users/{userId}/graphToken", (string tenantId, string userId, TokenRequest request, SimulatorControl control) =>
            Results.Ok(new { token = control.MintUserGraphToken(tenantId, userId, request.ClientId, request.Scopes ?? []) }));
        group.MapPost("/tenants/{tenantId}/apps/{clientId}/graphToken", (string tenantId, string clientId, SimulatorControl control) =>
            Results.Ok(new { token = control.MintAppGraphToken(tenantId, clientId) }));

        group.MapGet("/users/{userId}/presence", (string userId, SimulatorControl control) => Results.Ok(control.GetPresence(userId)));
        group.MapPost("/users/{userId}/presence", (string userId, PresenceRequest request, SimulatorControl control) =>
        {
            control.SetUserPresence(userId, request.Availability, request.Activity);
            return Results.Ok(control.GetPresence(userId));
        });
        group.MapPost("/users/{userId}/statusMessage", (string userId, StatusMessageRequest request, SimulatorControl control) =>
        {
            control.SetStatusMessage(userId, request.Message, request.Expiry);
            return Results.Ok(control.GetPresence(userId));
        });
        group.MapPost("/users/{userId}/outOfOffice", (string userId, OutOfOfficeRequest request, SimulatorControl control) =>
        {
            control.SetOutOfOffice(userId, request.IsOutOfOffice, request.Message);
            return Results.Ok(control.GetPresence(userId));
        });

        group.MapGet("/faults", (SimulatorControl control) => Results.Ok(control.Faults));
        group.MapPut("/faults", (FaultSettings settings, SimulatorControl control) =>
        {
            control.SetFaults(settings);
            return Results.Ok(control.Faults);
        });

        group.MapGet("/subscriptions", (SimulatorControl control) => Results.Ok(control.GetSubscriptions()));
        group.MapPost("/subscriptions/{id}/reauthorizationRequired", (string id, SimulatorControl control) =>
            control.SendReauthorizationRequired(id) ? Results.Accepted() : Results.NotFound());
        group.MapDelete("/subscriptions/{id}", (string id, SimulatorControl control) =>
            control.DeleteSubscriptionSilently(id) ? Results.NoContent() : Results.NotFound());
        group.MapPost("/subscriptions/{id}/expire", (string id, SimulatorControl control) =>
            control.ExpireSubscriptionEarly(id) ? Results.NoContent() : Results.NotFound());
        group.MapGet("/statistics", (SimulatorControl control) => Results.Ok(control.Statistics));

        group.MapPost("/generator/start", (PresenceGeneratorSettings settings, SimulatorControl control) =>
        {
            control.StartPresenceGenerator(settings);
            return Results.Accepted();
        });
        group.MapPost("/generator/stop", async (SimulatorControl control) =>
        {
            await control.StopPresenceGeneratorAsync().ConfigureAwait(false);
            return Results.Ok(new { changes = control.GeneratedChanges });
        });
        return endpoints;
    }
}
