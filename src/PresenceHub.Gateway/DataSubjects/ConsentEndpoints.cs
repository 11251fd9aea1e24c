using Microsoft.AspNetCore.Authentication;
using Microsoft.Identity.Client;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Where users join and leave federation. The Teams app calls <c>POST /api/consent</c> with the user's SSO token;
/// the token is exchanged on the user's behalf so their session can own presence subscriptions. Administrators
/// assign users explicitly, authorized by <see cref="AdminAuthorization"/>.
/// </summary>
internal static class ConsentEndpoints
{

    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/consent", GrantAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapDelete("/api/consent", RevokeAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapPut("/admin/organizations/{organization}/consents/{userId}", AssignAsync).RequireOrganizationAdmin();
        endpoints.MapDelete("/admin/organizations/{organization}/consents/{userId}", UnassignAsync).RequireOrganizationAdmin();
        endpoints.MapErasureEndpoints();
        return endpoints;
    }

    private static async Task<IResult> GrantAsync(
        HttpContext context, IConsentStore consents, SubscriptionOwnerTokens owners, SubscriptionKeeper keeper, TimeProvider time)
    {
        var (organization, userId) = TeamsSsoAuthentication.Caller(context.User);
        var token = await context.GetTokenAsync(TeamsSsoAuthentication.Scheme, "access_token").ConfigureAwait(false);
        string sessionKey;
        try
        {
            sessionKey = await owners.BeginSessionAsync(organization, userId, token!, context.RequestAborted).ConfigureAwait(false);
        }
        catch (MsalServiceException ex)
        {
            return Results.Problem($"Entra ID refused the on-behalf-of exchange ({ex.ErrorCode}); an administrator may need to grant consent.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        await consents.GrantAsync(new Consent(organization, userId, ConsentSource.SignedIn, time.GetUtcNow(), sessionKey), context.RequestAborted)
            .ConfigureAwait(false);
        keeper.RequestPass();
        return Results.Ok(new { organization = organization.ToString(), userId });
    }

    /// <summary>Sign-out: the user leaves federation at once (<see cref="UserPurge"/>, reason opted out).</summary>
    private static async Task<IResult> RevokeAsync(HttpContext context, UserPurge purge, SubscriptionKeeper keeper)
    {
        var (organization, userId) = TeamsSsoAuthentication.Caller(context.User);
        await purge.EraseAsync(organization, userId, Relay.WithdrawalReason.OptedOut, context.RequestAborted).ConfigureAwait(false);
        keeper.RequestPass();
        return Results.NoContent();
    }

    private static async Task<IResult> AssignAsync(
        string organization, string userId, HttpContext context, IConsentStore consents, SubscriptionKeeper keeper, TimeProvider time)
    {
        if (AdminUserRoute.Parse(organization, userId) is not var (org, user))
        {
            return AdminUserRoute.Invalid();
        }

        // One lookup of this user, not the organization's whole consent list: assigning many users one by one stays
        // linear. A user who already consented (a signed-in owner among them) keeps their consent and session.
        var consenting = await consents.AreConsentingAsync(org, [user], context.RequestAborted).ConfigureAwait(false);
        if (!consenting[0])
        {
            await consents.GrantAsync(new Consent(org, user, ConsentSource.AdminAssigned, time.GetUtcNow()), context.RequestAborted)
                .ConfigureAwait(false);
            keeper.RequestPass();
        }

        return Results.NoContent();
    }

    /// <summary>An administrator removes a user from federation, however they joined (<see cref="UserPurge"/>, reason entitlement revoked).</summary>
    private static async Task<IResult> UnassignAsync(
        string organization, string userId, HttpContext context, UserPurge purge, SubscriptionKeeper keeper)
    {
        if (AdminUserRoute.Parse(organization, userId) is not var (org, user))
        {
            return AdminUserRoute.Invalid();
        }

        await purge.EraseAsync(org, user, Relay.WithdrawalReason.EntitlementRevoked, context.RequestAborted).ConfigureAwait(false);
        keeper.RequestPass();
        return Results.NoContent();
    }
}
