using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.TeamsApp;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// Checks in Graph (<c>GET /users/{id}/teamwork/installedApps?$expand=teamsApp</c>, filtered to PresenceHub's app,
/// app-only) whether users who joined by signing in still have the Teams app installed, and removes those who do
/// not through <see cref="IUserRemoval"/>. The subscription keeper runs it for users named by installation
/// notifications and, because notifications can be lost, for every such user on its reconciliation schedule.
/// </summary>
/// <remarks>
/// Who is checked: only users whose consent came from signing in (<see cref="ConsentSource.SignedIn"/>); they could
/// sign in only from the installed app, so without it they left. Installing alone grants nothing: a user joins by
/// signing in (or by an administrator's assignment), so nobody who merely installed is ever subscribed or polled,
/// and users without consent are never looked up. An administrator's assignment stands whether or not the app is
/// installed, until the administrator unassigns the user. A check that fails (Graph unreachable, throttled) removes
/// nobody; the next sweep tries again.
/// </remarks>
internal sealed class AppInstallationSweeper(
    GraphAppClients clients,
    IConsentStore consents,
    IUserRemoval purge,
    IOptions<GraphOptions> graphOptions,
    IOptions<TeamsAppOptions> teamsApp,
    ILogger<AppInstallationSweeper> logger)
{
    private const int Parallelism = 4;

    /// <summary>The app's id in the Teams app catalog: the app-installations subscription's resource names it.</summary>
    public string CatalogAppId => teamsApp.Value.EffectiveCatalogAppId(graphOptions.Value.ClientId).ToString("D");

    private string ManifestAppId => teamsApp.Value.EffectiveAppId(graphOptions.Value.ClientId).ToString("D");

    /// <summary>Checks every signed-in user of the organization; returns how many were removed.</summary>
    public async Task<int> SweepAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var signedIn = (await consents.ListAsync(organization, cancellationToken).ConfigureAwait(false))
            .Where(c => c.Source == ConsentSource.SignedIn).Select(c => c.UserId).ToList();
        var removed = await CheckSignedInAsync(organization, signedIn, cancellationToken).ConfigureAwait(false);
        PrivacyLog.Swept(logger, signedIn.Count, organization.ToString(), removed);
        return removed;
    }

    /// <summary>Checks the named users who joined by signing in (installation notifications name them); returns how many were removed.</summary>
    public async Task<int> CheckAsync(OrganizationId organization, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var signedIn = (await consents.ListAsync(organization, cancellationToken).ConfigureAwait(false))
            .Where(c => c.Source == ConsentSource.SignedIn && userIds.Contains(c.UserId, StringComparer.OrdinalIgnoreCase))
            .Select(c => c.UserId).ToList();
        return await CheckSignedInAsync(organization, signedIn, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> CheckSignedInAsync(OrganizationId organization, IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        if (users.Count == 0)
        {
            return 0;
        }

        var client = clients.For(organization);
        var installed = new bool?[users.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => installed[i] = await IsInstalledAsync(client, organization, users[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

        var removed = 0;
        for (var i = 0; i < users.Count; i++)
        {
            if (installed[i] == false)
            {
                PrivacyLog.Uninstalled(logger, users[i], organization.ToString());
                await purge.EraseAsync(organization, users[i], WithdrawalReason.OptedOut, cancellationToken).ConfigureAwait(false);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Whether the user has PresenceHub's app installed; null when Graph could not tell.</summary>
    private async Task<bool?> IsInstalledAsync(GraphServiceClient client, OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        var (catalogId, manifestId) = (CatalogAppId, ManifestAppId);
        // Filter by the catalog id when one is configured, else by the manifest id, which every catalog keeps as externalId.
        var filter = teamsApp.Value.CatalogAppId is null ? $"teamsApp/externalId eq '{manifestId}'" : $"teamsApp/id eq '{catalogId}'";
        try
        {
            var page = await client.Users[userId].Teamwork.InstalledApps.GetAsync(r =>
            {
                r.QueryParameters.Expand = ["teamsApp"];
                r.QueryParameters.Filter = filter;
            }, cancellationToken).ConfigureAwait(false);
            return page?.Value?.Any(i => string.Equals(i.TeamsApp?.Id, catalogId, StringComparison.OrdinalIgnoreCase)
                || string.Equals(i.TeamsApp?.ExternalId, manifestId, StringComparison.OrdinalIgnoreCase)) ?? false;
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            // The user is gone from the directory, and with them the installation.
            return false;
        }
        catch (Exception ex) when (ex is ODataError or HttpRequestException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var status = ex is ODataError odata ? odata.ResponseStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : ex.GetType().Name;
            PrivacyLog.InstallationCheckFailed(logger, userId, organization.ToString(), status);
            return null;
        }
    }
}
