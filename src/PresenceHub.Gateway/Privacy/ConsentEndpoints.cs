using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.Graph.Subscriptions;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// Where users join and leave federation. The Teams app calls <c>POST /api/consent</c> with the user's SSO token;
/// the token is exchanged on the user's behalf so their session can own presence subscriptions. Administrators
/// assign users explicitly with the admin key until the admin console's Entra sign-in exists.
/// </summary>
internal static class ConsentEndpoints
{
    private const string TenantClaim = "http://schemas.microsoft.com/identity/claims/tenantid";
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/consent", GrantAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapDelete("/api/consent", RevokeAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        endpoints.MapPut("/admin/organizations/{organization}/consents/{userId}", AssignAsync);
        endpoints.MapDelete("/admin/organizations/{organization}/consents/{userId}", UnassignAsync);
        return endpoints;
    }

    private static async Task<IResult> GrantAsync(
        HttpContext context, IConsentStore consents, SubscriptionOwnerTokens owners, SubscriptionKeeper keeper, TimeProvider time)
    {
        var (organization, userId) = Caller(context.User);
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

    private static async Task<IResult> RevokeAsync(HttpContext context, IConsentStore consents, SubscriptionOwnerTokens owners, SubscriptionKeeper keeper)
    {
        var (organization, userId) = Caller(context.User);
        await consents.RevokeAsync(organization, userId, context.RequestAborted).ConfigureAwait(false);
        await owners.EndSessionAsync(organization, $"owner:{organization}:{userId}", context.RequestAborted).ConfigureAwait(false);
        keeper.RequestPass();
        return Results.NoContent();
    }

    private static async Task<IResult> AssignAsync(
        string organization, string userId, HttpContext context, IConsentStore consents, SubscriptionKeeper keeper,
        IOptions<AdminKeyOptions> admin, TimeProvider time)
    {
        if (AdminKeyAuthorization.Check(context, admin.Value) is { } denied)
        {
            return denied;
        }

        if (!OrganizationId.TryParse(organization, out var org) || !Guid.TryParse(userId, out var user))
        {
            return Results.Problem("The organization and user must be Entra ids (GUIDs).", statusCode: StatusCodes.Status400BadRequest);
        }

        var existing = (await consents.ListAsync(org, context.RequestAborted).ConfigureAwait(false))
            .FirstOrDefault(c => string.Equals(c.UserId, user.ToString("D"), StringComparison.OrdinalIgnoreCase));
        if (existing is null)
        {
            await consents.GrantAsync(new Consent(org, user.ToString("D"), ConsentSource.AdminAssigned, time.GetUtcNow()), context.RequestAborted)
                .ConfigureAwait(false);
            keeper.RequestPass();
        }

        return Results.NoContent();
    }

    private static async Task<IResult> UnassignAsync(
        string organization, string userId, HttpContext context, IConsentStore consents, SubscriptionKeeper keeper, IOptions<AdminKeyOptions> admin)
    {
        if (AdminKeyAuthorization.Check(context, admin.Value) is { } denied)
        {
            return denied;
        }

        if (!OrganizationId.TryParse(organization, out var org) || !Guid.TryParse(userId, out var user))
        {
            return Results.Problem("The organization and user must be Entra ids (GUIDs).", statusCode: StatusCodes.Status400BadRequest);
        }

        await consents.RevokeAsync(org, user.ToString("D"), context.RequestAborted).ConfigureAwait(false);
        keeper.RequestPass();
        return Results.NoContent();
    }

    private static (OrganizationId Organization, string UserId) Caller(ClaimsPrincipal user) =>
        (OrganizationId.Parse(user.FindFirstValue(TenantClaim)), Guid.Parse(user.FindFirstValue(ObjectIdClaim)!).ToString("D"));
}
