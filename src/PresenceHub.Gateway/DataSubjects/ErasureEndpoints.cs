using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Data-subject erasure and the retention hold. <c>DELETE /admin/organizations/{organization}/users/{userId}</c>
/// (an administrator, see <see cref="AdminAuthorization"/>) and <c>DELETE /api/me</c> (the Teams user themself, by SSO token) erase everything PresenceHub holds
/// about the user (<see cref="UserPurge.EraseAsync"/>) and answer 202 with counts per kind: the rest of the removal
/// (the other users' subscriptions, relay events a connector has yet to acknowledge) completes on the subscription
/// keeper's next passes. <c>PUT</c>/<c>DELETE /admin/organizations/{organization}/retention-hold</c> places or lifts
/// the organization's hold, under which erasure keeps metadata-log entries.
/// </summary>
internal static class ErasureEndpoints
{
    public static IEndpointRouteBuilder MapErasureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDelete("/admin/organizations/{organization}/users/{userId}", EraseAsync).RequireOrganizationAdmin();
        endpoints.MapDelete("/api/me", EraseSelfAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapPut("/admin/organizations/{organization}/retention-hold", (string organization, HttpContext context, IRetentionHoldStore holds,
            ILogger<UserPurge> logger) => SetHoldAsync(organization, true, context, holds, logger)).RequireOrganizationAdmin();
        endpoints.MapDelete("/admin/organizations/{organization}/retention-hold", (string organization, HttpContext context, IRetentionHoldStore holds,
            ILogger<UserPurge> logger) => SetHoldAsync(organization, false, context, holds, logger)).RequireOrganizationAdmin();
        return endpoints;
    }

    private static async Task<IResult> EraseAsync(
        string organization, string userId, HttpContext context, UserPurge purge, SubscriptionKeeper keeper)
    {
        if (AdminUserRoute.Parse(organization, userId) is not var (org, user))
        {
            return AdminUserRoute.Invalid();
        }

        var summary = await purge.EraseAsync(org, user, WithdrawalReason.EntitlementRevoked, context.RequestAborted).ConfigureAwait(false);
        keeper.RequestPass();
        return Results.Accepted(value: summary);
    }

    private static async Task<IResult> EraseSelfAsync(HttpContext context, UserPurge purge, SubscriptionKeeper keeper)
    {
        var (organization, userId) = TeamsSsoAuthentication.Caller(context.User);
        var summary = await purge.EraseAsync(organization, userId, WithdrawalReason.OptedOut, context.RequestAborted).ConfigureAwait(false);
        keeper.RequestPass();
        return Results.Accepted(value: summary);
    }

    private static async Task<IResult> SetHoldAsync(
        string organization, bool held, HttpContext context, IRetentionHoldStore holds, ILogger logger)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return Results.Problem("The organization must be an Entra tenant id (a GUID).", statusCode: StatusCodes.Status400BadRequest);
        }

        await holds.SetAsync(org, held, context.RequestAborted).ConfigureAwait(false);
        PrivacyLog.RetentionHoldChanged(logger, org.ToString(), held);
        return Results.NoContent();
    }
}
