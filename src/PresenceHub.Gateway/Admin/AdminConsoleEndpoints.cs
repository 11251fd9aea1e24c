using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Pages;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Admin;

/// <summary>
/// The admin console: the page at <c>/admin</c>, who is signed in (<c>GET /admin/session</c>), the demo's local
/// sign-in (<c>POST /admin/signin</c>, <c>POST /admin/signout</c>), and the overview of one organization that feeds
/// the page (<c>GET /admin/organizations/{org}/overview</c>), authorized like every admin endpoint.
/// </summary>
internal static class AdminConsoleEndpoints
{
    /// <summary>Recent metadata log entries in the overview.</summary>
    public const int RecentEntries = 25;

    public static IEndpointRouteBuilder MapAdminConsoleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPage("/admin", "Admin", "'none'");
        endpoints.MapGet("/admin/session", SessionAsync);
        endpoints.MapPost("/admin/signin", SignInAsync).DisableAntiforgery();
        endpoints.MapPost("/admin/signout", (Delegate)SignOutAsync);
        endpoints.MapGet("/admin/organizations/{organization}/overview", OverviewAsync).RequireOrganizationAdmin();
        return endpoints;
    }

    private static async Task<IResult> SessionAsync(
        HttpContext context, IConsentStore consents, AdmittedOrganizations admitted, IOptions<AdminConsoleOptions> console)
    {
        var (caller, _) = await AdminAuthorization.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            return Results.Ok(new { signedIn = false, localSignIn = console.Value.LocalSignIn });
        }

        var organizations = caller.Organization is { } own
            ? [own]
            : (await consents.OrganizationsAsync(context.RequestAborted).ConfigureAwait(false)).Where(admitted.IsAdmitted).ToList();
        return Results.Ok(new
        {
            signedIn = true,
            localSignIn = console.Value.LocalSignIn,
            kind = caller.Kind,
            @operator = caller.IsOperator,
            organizations = organizations.Select(o => o.ToString()),
        });
    }

    /// <summary>
    /// Demo only: with the admin key in the form field <c>key</c>, or without one from the loopback address, the caller
    /// gets the operator's session cookie.
    /// </summary>
    private static async Task<IResult> SignInAsync(
        HttpContext context, IOptions<AdminConsoleOptions> console, IOptions<AdminKeyOptions> admin, ILogger<AdminConsoleOptions> logger)
    {
        if (!console.Value.LocalSignIn)
        {
            return Results.NotFound();
        }

        if (!context.Request.Headers.ContainsKey(AdminAuthorization.ConsoleHeader))
        {
            return Results.Problem($"Sign-in requests carry the {AdminAuthorization.ConsoleHeader} header.", statusCode: StatusCodes.Status403Forbidden);
        }

        var key = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false))["key"].ToString()
            : "";
        string how;
        if (key.Length > 0)
        {
            if (admin.Value.Key is not { Length: > 0 } expected
                || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            {
                AdminLog.LocalSignInRefused(logger);
                return Results.Unauthorized();
            }

            how = "admin key";
        }
        else if (context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address))
        {
            how = "loopback";
        }
        else
        {
            return Results.Unauthorized();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], AdminAuthentication.CookieScheme);
        await context.SignInAsync(AdminAuthentication.CookieScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        AdminLog.LocalSignIn(logger, how);
        return Results.NoContent();
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(AdminAuthentication.CookieScheme).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> OverviewAsync(
        string organization, HttpContext context, SetupChecklist checklist, IConsentStore consents, IUserDirectory directory,
        IGraphSubscriptionStore subscriptions, SubscriptionActivity activity, ConnectorSessionRegistry sessions, IMetadataLog metadataLog,
        IPrivacySettingsStore privacy, ThroughputMonitor throughput, TimeProvider time)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return Results.Problem("The organization must be an Entra tenant id (GUID).", statusCode: StatusCodes.Status400BadRequest);
        }

        var token = context.RequestAborted;
        var (caller, _) = await AdminAuthorization.AuthenticateAsync(context).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var consented = await consents.ListAsync(org, token).ConfigureAwait(false);
        var userIds = consented.Select(c => c.UserId).ToList();
        var profiles = await directory.GetManyAsync(org, userIds, token).ConfigureAwait(false);
        var settings = await privacy.GetManyAsync(org, userIds, token).ConfigureAwait(false);
        var held = await subscriptions.ListAsync(org, token).ConfigureAwait(false);
        var recent = await metadataLog.QueryAsync(org, null, DateTimeOffset.MinValue, now, RecentEntries, token).ConfigureAwait(false);
        return Results.Ok(new
        {
            organization = org.ToString(),
            generatedAt = now,
            checklist = await checklist.CheckAsync(org, token).ConfigureAwait(false),
            consents = consented.Select((c, i) => new
            {
                userId = c.UserId,
                displayName = profiles[i]?.DisplayName,
                source = c.Source.ToString(),
                grantedAt = c.GrantedAt,
                canOwnSubscriptions = c.CanOwnSubscriptions,
                paused = settings[i].Paused,
                shareOut = settings[i].ShareOut,
                showIn = settings[i].ShowIn,
            }).OrderBy(c => c.displayName ?? c.userId, StringComparer.OrdinalIgnoreCase),
            push = PushCoverage.Of(consented, held) is var push
                ? new { consenting = push.Consenting, withoutPush = push.WithoutPush, reason = push.Reason }
                : null,
            subscriptions = held.OrderBy(s => s.ExpiresAt).Select(s =>
            {
                var (lastRenewal, events) = activity.Of(s.Id);
                return new
                {
                    id = s.Id,
                    kind = s.Kind.ToString(),
                    owner = s.OwnerUserId,
                    usersCovered = s.Kind == GraphSubscriptionKind.Presence ? s.UserIds.Count : (int?)null,
                    expiresAt = s.ExpiresAt,
                    lastRenewal,
                    lifecycleEvents = events.Select(e => new { type = e.Type, at = e.At }),
                };
            }),
            connectors = sessions.Sessions.Where(s => s.Organization == org).OrderBy(s => s.ConnectorId, StringComparer.Ordinal).Select(s => new
            {
                connectorId = s.ConnectorId,
                platform = s.Platform.Id,
                sessionId = s.SessionId,
                state = s.ReportedState.ToString(),
                connectedAt = s.ConnectedAt,
                outstanding = s.Outstanding,
                delivered = s.Delivered,
                lagMilliseconds = s.LastLag?.TotalMilliseconds,
                errors = s.Errors,
                lastError = s.LastError,
            }),
            // Counts of the whole replica, so only the operator sees them: they include other organizations' traffic.
            throughput = caller?.IsOperator == true ? throughput.Read() : null,
            metadataLog = recent.Select(e => new { time = e.Time, sender = e.Sender, receiver = e.Receiver, type = e.Type.ToString(), sessionId = e.SessionId }),
        });
    }
}
