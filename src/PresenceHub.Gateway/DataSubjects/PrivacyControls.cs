using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Changes a user's <see cref="PrivacySettings"/> and makes the change true at once: when the user stops sharing out,
/// connectors get a withdrawn event (<see cref="WithdrawalReason.OptedOut"/>) so contacts stop showing stale presence;
/// when they share again, their profile and current Teams presence are published; when they stop showing presence in,
/// the write-back session in their Teams presence is cleared.
/// </summary>
internal sealed class PrivacyControls(
    IPrivacySettingsStore settings,
    ShareOutPolicy shareOut,
    IPresenceRelay relay,
    IUserDirectory directory,
    PresenceReconciler reconciler,
    IWriteBackStore writeBacks,
    PresenceWriteBackWorker writeBackWorker,
    IOptions<WriteBackOptions> writeBackOptions,
    TimeProvider time,
    ILogger<PrivacyControls> logger)
{
    private const int MaxAttempts = 32;

    public async Task<PrivacySettings> GetAsync(OrganizationId organization, string userId, CancellationToken cancellationToken) =>
        (await settings.GetManyAsync(organization, [userId], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Stores <paramref name="next"/> and applies what changed; returns the settings now in force.</summary>
    /// <param name="organization">The user's organization.</param>
    /// <param name="userId">The user's object id (lowercase).</param>
    /// <param name="next">The new settings.</param>
    /// <param name="actor">Who asked (<c>admin</c> or <c>self</c>), for the log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public async Task<PrivacySettings> ChangeAsync(OrganizationId organization, string userId, PrivacySettings next, string actor, CancellationToken cancellationToken)
    {
        var previous = await GetAsync(organization, userId, cancellationToken).ConfigureAwait(false);
        await settings.SetAsync(organization, userId, next, cancellationToken).ConfigureAwait(false);
        DataSubjectLog.SettingsChanged(logger, userId, organization.ToString(), actor, next.Paused, next.ShareOut, next.ShowIn);

        if (previous.SharesOut && !next.SharesOut)
        {
            await relay.WithdrawAsync(organization, [new UserWithdrawal(userId, WithdrawalReason.OptedOut)], cancellationToken).ConfigureAwait(false);
            DataSubjectLog.Withdrawn(logger, userId, organization.ToString());
        }
        else if (!previous.SharesOut && next.SharesOut)
        {
            await RepublishAsync(organization, userId, cancellationToken).ConfigureAwait(false);
        }

        if (previous.ShowsIn && !next.ShowsIn)
        {
            await ClearWriteBackAsync(new WriteBackKey(organization, userId), cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    private async Task RepublishAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        if ((await directory.GetManyAsync(organization, [userId], cancellationToken).ConfigureAwait(false))[0] is { } profile)
        {
            // The privacy decision, read again: only a user who shares out by now is republished.
            if (await shareOut.SharedProfilesAsync(organization, [profile], cancellationToken).ConfigureAwait(false) is { Count: > 0 } shared)
            {
                await relay.PublishProfilesAsync(organization, shared, cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            // The withdrawal forgot the last-known state, so the reconciler publishes what Teams shows now.
            var corrections = await reconciler.ReconcileAsync(organization, [userId], cancellationToken).ConfigureAwait(false);
            DataSubjectLog.Republished(logger, userId, organization.ToString(), corrections);
        }
        catch (Exception ex) when (ex is HttpRequestException or Microsoft.Graph.Models.ODataErrors.ODataError or Azure.Identity.AuthenticationFailedException
                                   || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            DataSubjectLog.RepublishFailed(logger, ex, userId, organization.ToString());
        }
    }

    private async Task ClearWriteBackAsync(WriteBackKey key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = (await writeBacks.GetAsync([key], cancellationToken).ConfigureAwait(false))[0];
            if (current is null || current.Sources.Count == 0)
            {
                return;
            }

            // Without sources nothing is desired: the worker clears our session in Teams, as when every platform went offline.
            var next = current with { Sources = [] };
            var now = time.GetUtcNow();
            if (await writeBacks.TryReplaceAsync(key, current.Revision, next, next.DueAt(now, writeBackOptions.Value), cancellationToken).ConfigureAwait(false))
            {
                DataSubjectLog.WriteBackCleared(logger, key.UserId, key.Organization.ToString());
                writeBackWorker.Wake();
                return;
            }
        }

        throw new InvalidOperationException($"The write-back session of user {key.UserId} changed {MaxAttempts} times while being cleared; try again.");
    }
}
