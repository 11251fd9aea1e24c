using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// The one place where a user's <see cref="PrivacySettings.SharesOut"/> is enforced on the way out: wraps the relay so
/// every publisher (the webhook, reconciliation, the profile refresher, connectors' publications) gets it. Presence
/// and profiles of a user who paused or turned sharing off are withheld (<see cref="PublishOutcome.Withheld"/>): not
/// stored as last-known state, so no snapshot carries them either, and not fanned out. The check is one read of the
/// settings store per organization per batch.
/// </summary>
internal sealed class ShareOutRelay(IPresenceRelay inner, IPrivacySettingsStore settings) : IPresenceRelay
{
    public async Task<IReadOnlyList<PublishOutcome>> PublishAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return [];
        }

        var sharing = new bool[updates.Count];
        foreach (var organization in Enumerable.Range(0, updates.Count).GroupBy(i => updates[i].Organization))
        {
            var indexes = organization.ToList();
            var found = await settings.GetManyAsync(organization.Key, indexes.Select(i => updates[i].UserId).ToList(), cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < indexes.Count; j++)
            {
                sharing[indexes[j]] = found[j].SharesOut;
            }
        }

        if (sharing.All(s => s))
        {
            return await inner.PublishAsync(updates, cancellationToken).ConfigureAwait(false);
        }

        var allowed = updates.Where((_, i) => sharing[i]).ToList();
        var published = allowed.Count > 0 ? await inner.PublishAsync(allowed, cancellationToken).ConfigureAwait(false) : [];
        var outcomes = new PublishOutcome[updates.Count];
        for (int i = 0, next = 0; i < updates.Count; i++)
        {
            outcomes[i] = sharing[i] ? published[next++] : PublishOutcome.Withheld;
        }

        return outcomes;
    }

    public async Task PublishProfilesAsync(OrganizationId organization, IReadOnlyList<UserProfileRecord> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (profiles.Count == 0)
        {
            return;
        }

        var found = await settings.GetManyAsync(organization, profiles.Select(p => p.UserId).ToList(), cancellationToken).ConfigureAwait(false);
        var allowed = profiles.Where((_, i) => found[i].SharesOut).ToList();
        if (allowed.Count > 0)
        {
            await inner.PublishProfilesAsync(organization, allowed, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<PresenceUpdate?>> GetLastKnownAsync(
        OrganizationId organization, IReadOnlyList<PresenceSubject> subjects, CancellationToken cancellationToken) =>
        inner.GetLastKnownAsync(organization, subjects, cancellationToken);

    public Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, string? resumeCursor, CancellationToken cancellationToken) =>
        inner.OpenFeedAsync(connector, consumer, resumeCursor, cancellationToken);

    public Task WithdrawAsync(OrganizationId organization, IReadOnlyList<UserWithdrawal> users, CancellationToken cancellationToken) =>
        inner.WithdrawAsync(organization, users, cancellationToken);

    public Task<RelayErasure> ForgetAsync(OrganizationId organization, string userId, CancellationToken cancellationToken) =>
        inner.ForgetAsync(organization, userId, cancellationToken);
}
