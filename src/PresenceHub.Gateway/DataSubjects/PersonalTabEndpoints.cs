using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.Pages;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.TeamsApp;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// The Teams app's personal tab: the page at <see cref="TeamsAppPackage.TabPath"/> (TeamsJS for the SSO token, then
/// the self-service API), and <c>GET /api/me/contacts</c>: the consenting people of the caller's organization with
/// the presence connectors published for them on other platforms, respecting everyone's privacy settings.
/// </summary>
internal static class PersonalTabEndpoints
{
    /// <summary>Where Teams may frame the tab (its web, desktop and mobile clients, and Microsoft 365 hosts).</summary>
    public const string TeamsFrameAncestors =
        "'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://teams.cloud.microsoft "
        + "https://*.cloud.microsoft https://*.office.com https://outlook.office.com https://*.microsoft365.com";


    /// <summary>Platforms a connector is known for even before any key names it.</summary>
    private static readonly Platform[] WellKnownPlatforms = [Platform.Slack, Platform.Xmpp, Platform.Matrix, Platform.Webex, Platform.Zoom, Platform.Sip];

    public static IEndpointRouteBuilder MapTeamsApp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPage(TeamsAppPackage.TabPath, "Tab", TeamsFrameAncestors);
        // The pages the Teams manifest links to (developer website, privacy statement, terms of use).
        endpoints.MapPage(TeamsAppPackage.AboutPath, "About", "'none'");
        endpoints.MapPage(TeamsAppPackage.PrivacyPath, "Privacy", "'none'");
        endpoints.MapPage(TeamsAppPackage.TermsPath, "Terms", "'none'");
        endpoints.MapGet("/api/me/contacts", ContactsAsync).RequireAuthorization(TeamsSsoAuthentication.Policy);
        return endpoints;
    }

    private static async Task<IResult> ContactsAsync(
        HttpContext context, IConsentStore consents, IConnectorKeyStore keys, ConnectorSessionRegistry sessions, IPresenceRelay relay,
        IUserDirectory directory, IPrivacySettingsStore privacy, ILoggerFactory loggers)
    {
        var token = context.RequestAborted;
        var (organization, caller) = TeamsSsoAuthentication.Caller(context.User);
        var consented = await consents.ListAsync(organization, token).ConfigureAwait(false);
        if (!consented.Any(c => string.Equals(c.UserId, caller, StringComparison.OrdinalIgnoreCase)))
        {
            return Results.Problem("Join federation first (POST /api/consent): only members see their colleagues' presence.", statusCode: StatusCodes.Status403Forbidden);
        }

        var platforms = (await keys.ListAsync(organization, token).ConfigureAwait(false))
            .Select(k => Platform.TryParse(k.Platform, out var p) ? p : (Platform?)null).OfType<Platform>()
            .Concat(sessions.Sessions.Where(s => s.Organization == organization).Select(s => s.Platform))
            .Concat(WellKnownPlatforms)
            .Where(p => p != Platform.Teams)
            .Distinct()
            .ToList();
        var others = consented.Select(c => c.UserId).Where(u => !string.Equals(u, caller, StringComparison.OrdinalIgnoreCase)).ToList();
        var settings = await privacy.GetManyAsync(organization, [caller, .. others], token).ConfigureAwait(false);
        if (!settings[0].ShowsIn)
        {
            // The caller paused or chose not to be shown other platforms' presence.
            return Results.Ok(new { organization = organization.ToString(), shownIn = false, contacts = Array.Empty<object>() });
        }

        // Colleagues who paused or do not share out are not shown, whatever a connector still publishes for them.
        var colleagues = others.Where((_, i) => settings[i + 1].SharesOut).ToList();
        var subjects = colleagues.SelectMany(u => platforms.Select(p => new PresenceSubject(p, u))).ToList();
        IReadOnlyList<PresenceUpdate?> presence;
        try
        {
            presence = subjects.Count == 0 ? [] : await relay.GetLastKnownAsync(organization, subjects, token).ConfigureAwait(false);
        }
        catch (StateUnavailableException)
        {
            DataSubjectLog.RelayUnavailable(loggers.CreateLogger(typeof(PersonalTabEndpoints).FullName!), organization.ToString());
            return Results.Problem("Presence cannot be read right now; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var found = presence.OfType<PresenceUpdate>().Where(u => u.Organization == organization && u.Source == u.Origin).ToList();
        var profiles = await directory.GetManyAsync(organization, found.Select(u => u.UserId).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), token)
            .ConfigureAwait(false);
        var names = profiles.OfType<UserProfileRecord>().ToDictionary(p => p.UserId, p => p.DisplayName ?? p.Mail ?? p.UserPrincipalName, StringComparer.OrdinalIgnoreCase);
        return Results.Ok(new
        {
            organization = organization.ToString(),
            shownIn = true,
            contacts = found
                .Select(u => new
                {
                    userId = u.UserId,
                    displayName = names.GetValueOrDefault(u.UserId),
                    platform = u.Source.Id,
                    availability = u.State.Availability.Value,
                    activity = u.State.Activity.Value,
                    observedAt = u.ObservedAt,
                })
                .OrderBy(c => c.displayName ?? c.userId, StringComparer.OrdinalIgnoreCase)
                .ThenBy(c => c.platform, StringComparer.Ordinal),
        });
    }
}
