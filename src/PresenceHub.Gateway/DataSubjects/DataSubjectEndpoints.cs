using System.Text.Json;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Data-subject requests and per-user controls, for administrators (authorized by <see cref="AdminAuthorization"/>) and for users themselves (Teams SSO):
/// <list type="bullet">
/// <item><c>GET|PUT /admin/organizations/{organization}/users/{userId}/privacy</c>: <c>{"paused":false,"shareOut":true,"showIn":true}</c>;</item>
/// <item><c>GET /admin/organizations/{organization}/users/{userId}/export</c>: everything held about the user, as JSON;</item>
/// <item><c>GET /api/me</c>, <c>PUT /api/me/privacy</c>, <c>GET /api/me/export</c>: the same for the signed-in user,
/// whose organization and id come from their token only.</item>
/// </list>
/// A PUT may name any of the three flags; those left out keep their value.
/// </summary>
internal static class DataSubjectEndpoints
{
    private const string AdminActor = "admin";
    private const string SelfActor = "self";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapDataSubjectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/organizations/{organization}/users/{userId}/privacy", GetPrivacyAsync).RequireOrganizationAdmin();
        endpoints.MapPut("/admin/organizations/{organization}/users/{userId}/privacy", PutPrivacyAsync).RequireOrganizationAdmin();
        endpoints.MapGet("/admin/organizations/{organization}/users/{userId}/export", ExportUserAsync).RequireOrganizationAdmin();
        endpoints.MapGet("/api/me", MeAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapPut("/api/me/privacy", PutMyPrivacyAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapGet("/api/me/export", ExportMineAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapFederationPolicyEndpoints();
        return endpoints;
    }

    private static async Task<IResult> GetPrivacyAsync(
        string organization, string userId, HttpContext context, DataSubjectRecords records, PrivacyControls controls)
    {
        if (AdminUserRoute.Parse(organization, userId) is not var (org, user))
        {
            return AdminUserRoute.Invalid();
        }

        if (!await records.IsConsentingAsync(org, user, context.RequestAborted).ConfigureAwait(false))
        {
            return NotFederated();
        }

        return Results.Json(DataSubjectRecords.Settings(await controls.GetAsync(org, user, context.RequestAborted).ConfigureAwait(false)), Json);
    }

    private static async Task<IResult> PutPrivacyAsync(
        string organization, string userId, HttpContext context, DataSubjectRecords records, PrivacyControls controls)
    {
        if (AdminUserRoute.Parse(organization, userId) is not var (org, user))
        {
            return AdminUserRoute.Invalid();
        }

        return await ChangeAsync(context, org, user, records, controls, AdminActor).ConfigureAwait(false);
    }

    private static async Task<IResult> ExportUserAsync(
        string organization, string userId, HttpContext context, DataSubjectRecords records, ILogger<DataSubjectRecords> logger)
    {
        if (AdminUserRoute.Parse(organization, userId) is not var (org, user))
        {
            return AdminUserRoute.Invalid();
        }

        return await ExportAsync(context, org, user, records, AdminActor, logger).ConfigureAwait(false);
    }

    private static async Task<IResult> MeAsync(HttpContext context, DataSubjectRecords records)
    {
        var (organization, userId) = TeamsSsoAuthentication.Caller(context.User);
        return Results.Json(await records.SummaryAsync(organization, userId, context.RequestAborted).ConfigureAwait(false), Json);
    }

    private static Task<IResult> PutMyPrivacyAsync(HttpContext context, DataSubjectRecords records, PrivacyControls controls)
    {
        var (organization, userId) = TeamsSsoAuthentication.Caller(context.User);
        return ChangeAsync(context, organization, userId, records, controls, SelfActor);
    }

    private static Task<IResult> ExportMineAsync(HttpContext context, DataSubjectRecords records, ILogger<DataSubjectRecords> logger)
    {
        var (organization, userId) = TeamsSsoAuthentication.Caller(context.User);
        return ExportAsync(context, organization, userId, records, SelfActor, logger);
    }

    private static async Task<IResult> ChangeAsync(
        HttpContext context, OrganizationId organization, string userId, DataSubjectRecords records, PrivacyControls controls, string actor)
    {
        var (change, error) = await PrivacyChange.ReadAsync(context.Request).ConfigureAwait(false);
        if (change is null)
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        if (!await records.IsConsentingAsync(organization, userId, context.RequestAborted).ConfigureAwait(false))
        {
            return NotFederated();
        }

        var current = await controls.GetAsync(organization, userId, context.RequestAborted).ConfigureAwait(false);
        var next = await controls.ChangeAsync(organization, userId, change.ApplyTo(current), actor, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(DataSubjectRecords.Settings(next), Json);
    }

    private static async Task<IResult> ExportAsync(
        HttpContext context, OrganizationId organization, string userId, DataSubjectRecords records, string actor, ILogger logger)
    {
        var (export, entries) = await records.ExportAsync(organization, userId, context.RequestAborted).ConfigureAwait(false);
        DataSubjectLog.Exported(logger, userId, organization.ToString(), actor, entries);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"presencehub-export-{userId}.json\"";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(export, Json);
    }

    private static IResult NotFederated() =>
        Results.Problem("The user does not take part in federation (they have not installed the app or been assigned).", statusCode: StatusCodes.Status404NotFound);
}
