using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.WriteBack;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Keeps the user directory current for consenting users: takes users from the <see cref="ProfileRefreshQueue"/>
/// (filled by profile notifications, new consents and the reconciliation schedule), fetches their profiles
/// app-only, and publishes a profile event only when something changed. A user Graph deleted (a <c>deleted</c>
/// notification, or 404) is removed from the directory and withdrawn, and their write-back session ends; a user who
/// stopped consenting is removed from the directory. Events are published before the directory is written, so a failure in between repeats an
/// event rather than losing one.
/// </summary>
internal sealed class ProfileRefresher(
    ProfileRefreshQueue queue,
    IConsentStore consents,
    IUserDirectory directory,
    ShareOutPolicy shareOut,
    IPresenceRelay relay,
    GraphAppClients clients,
    GraphIngestMetrics metrics,
    ILogger<ProfileRefresher> logger,
    IPresenceWriteBack? writeBack = null) : BackgroundService
{
    /// <summary>Users taken from the queue at once.</summary>
    private const int BatchSize = 256;

    /// <summary>Profile reads in flight at once per batch.</summary>
    private const int Parallelism = 8;

    private static readonly string[] Select = ["id", "displayName", "mail", "userPrincipalName", "jobTitle", "accountEnabled"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await queue.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var organization in queue.Take(BatchSize).GroupBy(c => c.Organization))
            {
                var users = organization.Select(c => (c.UserId, c.Deleted)).ToList();
                try
                {
                    await RefreshAsync(organization.Key, users, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    metrics.ProfilesRefreshed("failed", users.Count);
                    GraphIngestLog.ProfileRefreshFailed(logger, users.Count, organization.Key.ToString(), ex);
                }
            }
        }
    }

    /// <summary>Refreshes the profiles of some users of one organization.</summary>
    public async Task RefreshAsync(OrganizationId organization, IReadOnlyList<(string UserId, bool Deleted)> users, CancellationToken cancellationToken)
    {
        // One lookup of just these users (a pipelined HMGET in Redis), not the organization's whole consent list: a
        // refresh of everyone then costs one pass over the consents, not one per batch.
        var consenting = await consents.AreConsentingAsync(organization, [.. users.Select(u => u.UserId)], cancellationToken).ConfigureAwait(false);
        var stored = await directory.GetManyAsync(organization, users.Select(u => u.UserId).ToList(), cancellationToken).ConfigureAwait(false);
        var fetched = new Fetched[users.Count];
        var client = clients.For(organization);
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (userId, deleted) = users[i];
                fetched[i] = !consenting[i] ? new Fetched(FetchOutcome.NotConsenting, null)
                    : deleted ? new Fetched(FetchOutcome.Gone, null)
                    : await FetchAsync(client, organization, userId, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        var changed = new List<UserProfileRecord>();
        var confirmed = new List<UserProfileRecord>();
        var removed = new List<string>();
        var forgotten = new List<string>();
        for (var i = 0; i < users.Count; i++)
        {
            switch (fetched[i].Outcome)
            {
                case FetchOutcome.Found when fetched[i].Profile != stored[i]:
                    changed.Add(fetched[i].Profile!);
                    break;
                case FetchOutcome.Found:
                    confirmed.Add(fetched[i].Profile!);
                    break;
                case FetchOutcome.Gone when stored[i] is not null:
                    removed.Add(stored[i]!.UserId);
                    break;
                case FetchOutcome.NotConsenting when stored[i] is not null:
                    forgotten.Add(stored[i]!.UserId);
                    break;
                default:
                    break;
            }
        }

        if (changed.Count > 0)
        {
            // The directory first: connectors' profile events carry no profile in Redis, and are filled from it when
            // delivered. If the relay then fails, the old records go back, so the next refresh sees the change again.
            foreach (var profile in changed)
            {
                await directory.PutAsync(organization, profile, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                // The privacy decision: profiles of users who do not share out stay in the directory only.
                var shared = await shareOut.SharedProfilesAsync(organization, changed, cancellationToken).ConfigureAwait(false);
                if (shared.Count > 0)
                {
                    await relay.PublishProfilesAsync(organization, shared, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (StateUnavailableException)
            {
                await RestoreAsync(organization, changed, users, stored).ConfigureAwait(false);
                throw;
            }
        }

        foreach (var profile in confirmed)
        {
            // Unchanged, but confirmed by Graph: written again so its record's time to live starts over.
            await directory.PutAsync(organization, profile, cancellationToken).ConfigureAwait(false);
        }

        if (removed.Count > 0)
        {
            await relay.WithdrawAsync(organization, removed.Select(u => new UserWithdrawal(u, WithdrawalReason.UserRemoved)).ToList(), cancellationToken)
                .ConfigureAwait(false);
            // Our setPresence session would outlive the user for up to its lifetime. Ended before the profile goes, so
            // a failure here is tried again by the next refresh.
            foreach (var userId in writeBack is null ? [] : removed)
            {
                await writeBack!.EndSessionAsync(organization, userId, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var userId in removed.Concat(forgotten))
        {
            await directory.RemoveAsync(organization, userId, cancellationToken).ConfigureAwait(false);
        }

        metrics.ProfilesRefreshed("changed", changed.Count);
        metrics.ProfilesRefreshed("removed", removed.Count);
        metrics.ProfilesRefreshed("forgotten", forgotten.Count);
        metrics.ProfilesRefreshed("unchanged", fetched.Count(f => f.Outcome == FetchOutcome.Found) - changed.Count);
        GraphIngestLog.ProfilesRefreshed(logger, users.Count, organization.ToString(), changed.Count, removed.Count, forgotten.Count);
    }

    private async Task RestoreAsync(
        OrganizationId organization, List<UserProfileRecord> changed, IReadOnlyList<(string UserId, bool Deleted)> users, IReadOnlyList<UserProfileRecord?> stored)
    {
        try
        {
            foreach (var profile in changed)
            {
                var index = users.ToList().FindIndex(u => string.Equals(u.UserId, profile.UserId, StringComparison.OrdinalIgnoreCase));
                if (index >= 0 && stored[index] is { } old)
                {
                    await directory.PutAsync(organization, old, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await directory.RemoveAsync(organization, profile.UserId, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (StateUnavailableException)
        {
            // The same store is down: the new records stay, and this change reaches connectors with the next one.
        }
    }

    private async Task<Fetched> FetchAsync(GraphServiceClient client, OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        try
        {
            var user = await client.Users[userId].GetAsync(r => r.QueryParameters.Select = Select, cancellationToken).ConfigureAwait(false);
            if (user?.Id is null)
            {
                return new Fetched(FetchOutcome.Failed, null);
            }

            return new Fetched(FetchOutcome.Found, new UserProfileRecord(
                user.Id.ToLowerInvariant(), user.DisplayName, user.Mail, user.UserPrincipalName, user.JobTitle, user.AccountEnabled ?? true));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            return new Fetched(FetchOutcome.Gone, null);
        }
        catch (Exception ex) when (ex is ODataError or HttpRequestException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var status = ex is ODataError odata ? odata.ResponseStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : ex.GetType().Name;
            GraphIngestLog.ProfileFetchFailed(logger, userId, organization.ToString(), status);
            metrics.ProfilesRefreshed("failed", 1);
            return new Fetched(FetchOutcome.Failed, null);
        }
    }

    private enum FetchOutcome
    {
        Failed,
        Found,
        Gone,
        NotConsenting,
    }

    private readonly record struct Fetched(FetchOutcome Outcome, UserProfileRecord? Profile);
}
