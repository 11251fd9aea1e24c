using System.Collections.Concurrent;
using Microsoft.Graph.Models.ODataErrors;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Removes a user from federation, the one way every path takes: uninstalling the Teams app (notification or
/// sweep), signing out (<c>DELETE /api/consent</c>), an administrator's unassignment, and erasure. In order: the
/// consent goes (so the keeper and the reconciler leave the user out from now on); the presence subscriptions that
/// covered or were owned by the user are deleted in Graph with their owners' sessions, and the user's own session
/// then ends with its tokens; connectors get a withdrawn event and the user's last-known presence goes; the
/// profile, identity links and write-back session are deleted. The subscription keeper subscribes the remaining
/// users again on its next pass (callers ask for one) and reconciles the gap. Relay events that mention the user are deleted once every connector acknowledged them: at once for
/// those already read, on the keeper's later passes for the rest (<see cref="CompletePendingAsync"/>).
/// Erasure (<see cref="EraseAsync"/>) also deletes the user's metadata-log entries unless the organization holds them.
/// </summary>
internal sealed class UserPurge(
    IConsentStore consents,
    IGraphSubscriptionStore subscriptions,
    SubscriptionOwnerTokens owners,
    GraphAppClients graph,
    IPresenceRelay relay,
    IUserDirectory directory,
    IRetentionHoldStore holds,
    ILogger<UserPurge> logger,
    IIdentityLinkStore? links = null,
    IPresenceWriteBack? writeBack = null,
    IMetadataLog? metadataLog = null,
    IPrivacySettingsStore? privacySettings = null) : IUserRemoval
{
    // Users whose relay events still await a connector; their metadata-log entries go too once delivered when erased,
    // since delivering the withdrawn event itself leaves an entry. Each removal finishes only what it covered
    // (Through): a user who joined again meanwhile keeps what was published for them since.
    private readonly ConcurrentDictionary<(OrganizationId Organization, string UserId), Pending> _pending = new();

    /// <summary>Users whose relay events are not all deleted yet, because a connector has still to acknowledge some.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Removes a user from federation (see the type's summary). Removing a user PresenceHub holds nothing of does nothing.</summary>
    /// <param name="organization">The user's organization.</param>
    /// <param name="userId">The user's Entra object id.</param>
    /// <param name="reason">What connectors are told: <see cref="WithdrawalReason.OptedOut"/> when the user left, <see cref="WithdrawalReason.EntitlementRevoked"/> when an administrator removed them.</param>
    /// <param name="cancellationToken">Cancels the removal; what was removed stays removed, and running it again completes it.</param>
    public async Task<PurgeSummary> PurgeAsync(OrganizationId organization, string userId, WithdrawalReason reason, CancellationToken cancellationToken)
    {
        var user = Normalize(userId);
        var everyone = await consents.ListAsync(organization, cancellationToken).ConfigureAwait(false);
        var consent = everyone.FirstOrDefault(c => string.Equals(c.UserId, user, StringComparison.OrdinalIgnoreCase));
        await consents.RevokeAsync(organization, user, cancellationToken).ConfigureAwait(false);

        var sessionsByOwner = everyone.Where(c => c.CanOwnSubscriptions)
            .ToDictionary(c => c.UserId, c => c.OwnerSessionKey!, StringComparer.OrdinalIgnoreCase);
        var owned = await DeleteCoveringSubscriptionsAsync(organization, user, sessionsByOwner, cancellationToken).ConfigureAwait(false);
        var sessions = 0;
        if (consent?.OwnerSessionKey is { } sessionKey)
        {
            try
            {
                await owners.EndSessionAsync(organization, sessionKey, cancellationToken).ConfigureAwait(false);
                sessions = 1;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PrivacyLog.OwnerSessionNotEnded(logger, user, organization.ToString(), ex);
            }
        }

        var profile = (await directory.GetManyAsync(organization, [user], cancellationToken).ConfigureAwait(false))[0];
        if (consent is not null || profile is not null)
        {
            // Only a user connectors may have seen is withdrawn: a withdrawal would itself tell them the id.
            await relay.WithdrawAsync(organization, [new UserWithdrawal(user, reason)], cancellationToken).ConfigureAwait(false);
        }

        var erasure = await relay.ForgetAsync(organization, user, through: null, cancellationToken).ConfigureAwait(false);
        if (erasure.Remaining > 0)
        {
            _pending[(organization, user)] = new Pending(false, erasure.Through);
        }
        else
        {
            // Removed again after joining again: this removal covers everything the earlier one waited for.
            _pending.TryRemove((organization, user), out _);
        }

        if (profile is not null)
        {
            await directory.RemoveAsync(organization, user, cancellationToken).ConfigureAwait(false);
        }

        var unlinked = links is null ? 0 : await links.UnlinkTeamsUserAsync(organization, user, cancellationToken).ConfigureAwait(false);
        var writeBackSessions = await DeleteWriteBackAsync(organization, user, cancellationToken).ConfigureAwait(false);
        var settings = 0;
        if (privacySettings is not null &&
            !(await privacySettings.GetManyAsync(organization, [user], cancellationToken).ConfigureAwait(false))[0].IsDefault)
        {
            await privacySettings.RemoveAsync(organization, user, cancellationToken).ConfigureAwait(false);
            settings = 1;
        }

        PrivacyLog.Purged(logger, user, organization.ToString(), reason.ToString(), erasure.Deleted, owned, unlinked, erasure.Remaining);
        return new PurgeSummary(
            consent is null ? 0 : 1, owned, sessions, erasure.Deleted, erasure.Remaining, profile is null ? 0 : 1, unlinked, writeBackSessions, 0, false,
            settings);
    }

    /// <summary>
    /// Erases a user (a data subject's request): <see cref="PurgeAsync"/>, then their metadata-log entries unless the
    /// organization placed a retention hold.
    /// </summary>
    public async Task<PurgeSummary> EraseAsync(OrganizationId organization, string userId, WithdrawalReason reason, CancellationToken cancellationToken)
    {
        var user = Normalize(userId);
        var summary = await PurgeAsync(organization, user, reason, cancellationToken).ConfigureAwait(false);
        var held = await holds.IsHeldAsync(organization, cancellationToken).ConfigureAwait(false);
        var entries = held || metadataLog is null ? 0 : await metadataLog.EraseUserAsync(organization, user, cancellationToken).ConfigureAwait(false);
        if (!held && _pending.TryGetValue((organization, user), out var pending))
        {
            _pending[(organization, user)] = pending with { EraseMetadata = true };
        }

        PrivacyLog.Erased(logger, user, organization.ToString(), entries, held);
        return summary with { MetadataEntries = entries, RetentionHold = held };
    }

    Task IUserRemoval.EraseAsync(OrganizationId organization, string userId, WithdrawalReason reason, CancellationToken cancellationToken) =>
        EraseAsync(organization, userId, reason, cancellationToken);

    /// <summary>Deletes the relay events of removed users that connectors have acknowledged since; the keeper calls this every pass.</summary>
    public async Task CompletePendingAsync(CancellationToken cancellationToken)
    {
        foreach (var ((organization, user), pending) in _pending)
        {
            try
            {
                var erasure = await relay.ForgetAsync(organization, user, pending.Through, cancellationToken).ConfigureAwait(false);
                PrivacyLog.RelayEventsForgotten(logger, erasure.Deleted, user, organization.ToString(), erasure.Remaining);
                if (erasure.Remaining == 0)
                {
                    // A user who joined again keeps the entries of their new participation, so none is erased then.
                    if (pending.EraseMetadata && metadataLog is not null &&
                        !(await consents.AreConsentingAsync(organization, [user], cancellationToken).ConfigureAwait(false))[0])
                    {
                        // The last deliveries (the withdrawn event) were logged after the erasure.
                        await metadataLog.EraseUserAsync(organization, user, cancellationToken).ConfigureAwait(false);
                    }

                    _pending.TryRemove((organization, user), out _);
                }
            }
            catch (StateUnavailableException ex)
            {
                PrivacyLog.RelayForgetFailed(logger, user, organization.ToString(), ex);
            }
        }
    }

    /// <summary>
    /// Deletes, in Graph and in the records, the presence subscriptions the user owned or was covered by, so no
    /// notification about them arrives any more (Graph cannot change a subscription's filter); the keeper's next pass
    /// subscribes the remaining users again and reconciles the gap. Returns how many.
    /// </summary>
    private async Task<int> DeleteCoveringSubscriptionsAsync(
        OrganizationId organization, string user, IReadOnlyDictionary<string, string> sessionsByOwner, CancellationToken cancellationToken)
    {
        var covering = (await subscriptions.ListAsync(organization, cancellationToken).ConfigureAwait(false))
            .Where(s => s.Kind == GraphSubscriptionKind.Presence
                && (s.Covers(user) || string.Equals(s.OwnerUserId, user, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        foreach (var subscription in covering)
        {
            // Only the owner's own session may delete it in Graph; without one it lapses within the hour, and its
            // notifications are dropped as unknown once its record is gone.
            if (subscription.OwnerUserId is { } owner && sessionsByOwner.TryGetValue(owner, out var sessionKey))
            {
                try
                {
                    using var client = graph.Create(owners.Credential(organization, sessionKey));
                    await client.Subscriptions[subscription.Id].DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (ODataError error) when (error.ResponseStatusCode == 404)
                {
                    // Already gone.
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    PrivacyLog.OwnedSubscriptionNotDeleted(logger, subscription.Id, user,
                        ex is ODataError odata ? odata.ResponseStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : ex.GetType().Name);
                }
            }

            await subscriptions.DeleteAsync(organization, subscription.Id, cancellationToken).ConfigureAwait(false);
        }

        return covering.Count;
    }

    /// <summary>
    /// Ends the user's write-back session: the clear in Teams is recorded in the write-back store and made by its worker,
    /// retried while Graph is down, so the purge does not wait for Graph. Returns how many entries the user had.
    /// </summary>
    private async Task<int> DeleteWriteBackAsync(OrganizationId organization, string user, CancellationToken cancellationToken) =>
        writeBack is not null && await writeBack.EndSessionAsync(organization, user, cancellationToken).ConfigureAwait(false) ? 1 : 0;

    private static string Normalize(string userId) =>
        Guid.TryParse(userId, out var id) ? id.ToString("D") : userId.ToLowerInvariant();

    /// <summary>A removal waiting for connectors: whether it erases metadata too, and the relay position it covers.</summary>
    private sealed record Pending(bool EraseMetadata, string Through);
}
