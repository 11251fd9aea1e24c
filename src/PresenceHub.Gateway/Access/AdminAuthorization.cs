using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// The one check in front of every admin endpoint. The operator's key (header <c>X-Admin-Key</c>) and the demo's
/// local sign-in administer every organization the gateway serves (<see cref="AdmittedOrganizations"/>; a route naming
/// another answers 404); an Entra access token for our API carrying the app role
/// <see cref="AdminRole"/> administers only the organization of its <c>tid</c> claim, and is refused (403) on any
/// other and when that organization is not served. A cookie-authenticated write must carry the header <see cref="ConsoleHeader"/>, which a cross-site form
/// cannot send.
/// </summary>
internal static class AdminAuthorization
{
    /// <summary>The app role an organization's administrators are assigned on PresenceHub's app registration.</summary>
    public const string AdminRole = "PresenceHub.Admin";

    /// <summary>The header the console sends with every request.</summary>
    public const string ConsoleHeader = "X-PresenceHub-Console";

    /// <summary>The route value naming the organization of an admin endpoint.</summary>
    public const string OrganizationRouteValue = "organization";

    private const string RoleClaim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

    /// <summary>
    /// Adds the check to an endpoint or group whose route has an <c>{organization}</c>: the caller must administer it.
    /// </summary>
    public static TBuilder RequireOrganizationAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var (caller, denied) = await AuthenticateAsync(http).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            var organization = http.Request.RouteValues[OrganizationRouteValue]?.ToString();
            if (caller!.IsOperator && OrganizationId.TryParse(organization, out var named)
                && !http.RequestServices.GetRequiredService<AdmittedOrganizations>().Admits(named, "admin-key", out var refusal))
            {
                // The operator administers the organizations it serves, and no other.
                return Results.Problem(refusal, statusCode: StatusCodes.Status404NotFound);
            }

            if (!caller.IsOperator && (!OrganizationId.TryParse(organization, out var org) || !caller.MayAdminister(org)))
            {
                AccessLog.OtherOrganizationRefused(Logger(http), caller.Organization.ToString()!, organization ?? "");
                return Results.Problem("This administrator's token is for another organization.", statusCode: StatusCodes.Status403Forbidden);
            }

            return await next(context).ConfigureAwait(false);
        });

    /// <summary>Who the caller is, or the answer to give when the caller is not an administrator.</summary>
    public static async Task<(AdminCaller? Caller, IResult? Denied)> AuthenticateAsync(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey(AdminKeyAuthorization.Header))
        {
            var admin = context.RequestServices.GetRequiredService<IOptions<AdminKeyOptions>>().Value;
            return AdminKeyAuthorization.Check(context, admin) is { } refused ? (null, refused) : (new AdminCaller("key", null), null);
        }

        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var entra = await context.AuthenticateAsync(AdminAuthentication.EntraScheme).ConfigureAwait(false);
            if (!entra.Succeeded)
            {
                return (null, Results.Unauthorized());
            }

            if (!HasAdminRole(entra.Principal))
            {
                return (null, Results.Problem($"The token does not carry the app role {AdminRole}.", statusCode: StatusCodes.Status403Forbidden));
            }

            var admitted = context.RequestServices.GetRequiredService<AdmittedOrganizations>();
            return CallerOrganization.TryAdmitted(entra.Principal, admitted, "admin-token", out var organization, out var refusal)
                ? (new AdminCaller("entra", organization), null)
                : (null, Results.Problem(refusal, statusCode: StatusCodes.Status403Forbidden));
        }

        if (context.RequestServices.GetRequiredService<IOptions<AdminConsoleOptions>>().Value.LocalSignIn)
        {
            var local = await context.AuthenticateAsync(AdminAuthentication.CookieScheme).ConfigureAwait(false);
            if (local.Succeeded)
            {
                return !HttpMethods.IsGet(context.Request.Method) && !context.Request.Headers.ContainsKey(ConsoleHeader)
                    ? (null, Results.Problem($"Writes from the console carry the {ConsoleHeader} header.", statusCode: StatusCodes.Status403Forbidden))
                    : (new AdminCaller("local", null), null);
            }
        }

        return (null, Results.Unauthorized());
    }

    private static bool HasAdminRole(ClaimsPrincipal principal) =>
        principal.Claims.Any(c => (c.Type is "roles" or RoleClaim) && string.Equals(c.Value, AdminRole, StringComparison.Ordinal));

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminAuthorization).FullName!);
}
