using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>
/// The privacy decision on the way out, a named step of every flow that publishes (the webhook, reconciliation, the
/// profile refresher, connectors' publications, a user resuming): presence and profiles of a user who paused or
/// turned sharing off (<see cref="PrivacySettings.SharesOut"/>) are withheld, so they are neither stored as
/// last-known state nor fanned out, and no snapshot carries them. One read of the settings store per organization.
/// </summary>
internal sealed class ShareOutPolicy(IPrivacySettingsStore settings)
{
    /// <summary>Decides which of <paramref name="updates"/> may be published.</summary>
    public async Task<ShareOutDecision> DecideAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
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

        return new ShareOutDecision(updates, sharing);
    }

    /// <summary>The profiles of <paramref name="profiles"/> whose users share out; the others are withheld.</summary>
    public async Task<IReadOnlyList<UserProfileRecord>> SharedProfilesAsync(
        OrganizationId organization, IReadOnlyList<UserProfileRecord> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (profiles.Count == 0)
        {
            return [];
        }

        var found = await settings.GetManyAsync(organization, profiles.Select(p => p.UserId).ToList(), cancellationToken).ConfigureAwait(false);
        return profiles.Where((_, i) => found[i].SharesOut).ToList();
    }
}

/// <summary>What <see cref="ShareOutPolicy.DecideAsync"/> decided for a batch of updates.</summary>
internal sealed class ShareOutDecision
{
    private readonly bool[] _sharing;

    internal ShareOutDecision(IReadOnlyList<PresenceUpdate> updates, bool[] sharing)
    {
        _sharing = sharing;
        Shared = sharing.All(s => s) ? updates : updates.Where((_, i) => sharing[i]).ToList();
    }

    /// <summary>The updates that may be published, in their original order.</summary>
    public IReadOnlyList<PresenceUpdate> Shared { get; }

    /// <summary>
    /// One outcome per update of the batch: the relay's outcome (<paramref name="published"/>, one per
    /// <see cref="Shared"/> update) for those shared, <see cref="PublishOutcome.Withheld"/> for the rest.
    /// </summary>
    public IReadOnlyList<PublishOutcome> Outcomes(IReadOnlyList<PublishOutcome> published)
    {
        ArgumentNullException.ThrowIfNull(published);
        if (published.Count != Shared.Count)
        {
            throw new ArgumentException("One outcome per shared update is expected.", nameof(published));
        }

        var outcomes = new PublishOutcome[_sharing.Length];
        for (int i = 0, next = 0; i < _sharing.Length; i++)
        {
            outcomes[i] = _sharing[i] ? published[next++] : PublishOutcome.Withheld;
        }

        return outcomes;
    }
}
