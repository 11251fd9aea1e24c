using System.Security.Cryptography;
using PresenceHub.Connectors.Contracts;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Takes a connector's publication of one platform user's presence: links it to a consenting Teams user of the
/// connector's organization, relays it to the other connectors (unless that user does not share out), and hands it to
/// write-back into Teams (unless that user does not show presence in). The federation policy's platforms and domains
/// are enforced by the <see cref="IdentityResolver"/>.
/// </summary>
internal sealed class ConnectorPublisher(
    IdentityResolver identities, ShareOutPolicy shareOut, IPresenceRelay relay, IPresenceWriteBack writeBack, IPrivacySettingsStore privacy, IMetadataLog metadataLog,
    ConnectorMetrics metrics, TimeProvider time)
{
    private const int MaxIdLength = 256;

    /// <param name="caller">The connector's credential.</param>
    /// <param name="platform">The connector's platform.</param>
    /// <param name="publication">What it published.</param>
    /// <param name="sessionId">The stream's session id, or the credential id for a unary call: the metadata log's session.</param>
    /// <param name="cancellationToken">Cancels publishing.</param>
    public async Task<V1.PublicationResult> PublishAsync(
        ConnectorCaller caller, Platform platform, V1.PresencePublication publication, string sessionId, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(caller, platform, publication, cancellationToken).ConfigureAwait(false);
        result.PublicationId = publication.PublicationId;
        metrics.Published(platform.Id, result.Outcome.ToString());
        if (result.TeamsUserId.Length > 0)
        {
            await metadataLog.AppendAsync(caller.Organization,
                [new MetadataLogEntry(time.GetUtcNow(), MetadataLogEntry.UserAddress(platform.Id, result.TeamsUserId), MetadataLogEntry.Gateway, MessageType.Presence, sessionId)],
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<V1.PublicationResult> ApplyAsync(
        ConnectorCaller caller, Platform platform, V1.PresencePublication publication, CancellationToken cancellationToken)
    {
        if (publication.PlatformUserId is not { Length: > 0 and <= MaxIdLength } platformUserId)
        {
            return Rejected($"platform_user_id must be 1 to {MaxIdLength} characters.");
        }

        if (publication.Presence is null)
        {
            return Rejected("presence is required.");
        }

        if (publication.Presence.StatusMessage is { Content: { } status } && status.Trim().EnumerateRunes().Count() > StatusMessage.MaxLength)
        {
            return Rejected($"presence.status_message.content is at most {StatusMessage.MaxLength} characters.");
        }

        PresenceVersion? version = null;
        if (publication.Version.Length > 0)
        {
            if (PlatformStampError(publication.Version) is { } error)
            {
                return Rejected(error);
            }

            // The platform's own stamp, kept as it is and compared ordinally with the user's earlier ones.
            version = PresenceVersion.FromSequence(publication.Version);
        }

        var match = await identities.ResolvePlatformUserAsync(
            caller.Organization, platform, platformUserId, NullIfEmpty(publication.MailHint), cancellationToken).ConfigureAwait(false);
        if (match.Kind == IdentityMatchKind.Refused)
        {
            return Rejected(match.Refusal!);
        }

        if (match.TeamsUserId is not { } teamsUserId)
        {
            return new V1.PublicationResult
            {
                Outcome = V1.PublicationOutcome.UnlinkedUser,
                Detail = match.Kind == IdentityMatchKind.Ambiguous
                    ? "The mail hint matches several Teams users; an administrator must link the user."
                    : "No consenting Teams user of this organization is linked to this platform user.",
            };
        }

        var observed = ObservedAt(publication, time.GetUtcNow());
        var update = new PresenceUpdate(caller.Organization, teamsUserId, platform, PresenceStateMapping.ToModel(publication.Presence),
            version ?? PresenceVersion.FromObservedTime(observed, TieBreaker()), platform, observed);
        // The privacy decision: a user who does not share out is withheld from other connectors, but their presence
        // may still show in their Teams.
        var shared = await shareOut.DecideAsync([update], cancellationToken).ConfigureAwait(false);
        var outcome = shared.Outcomes(shared.Shared.Count > 0 ? await relay.PublishAsync(shared.Shared, cancellationToken).ConfigureAwait(false) : [])[0];
        if (outcome is not (PublishOutcome.Accepted or PublishOutcome.Withheld))
        {
            return new V1.PublicationResult { Outcome = V1.PublicationOutcome.Stale, TeamsUserId = teamsUserId };
        }

        if ((await privacy.GetManyAsync(caller.Organization, [teamsUserId], cancellationToken).ConfigureAwait(false))[0].ShowsIn)
        {
            await writeBack.SubmitAsync([update], cancellationToken).ConfigureAwait(false);
        }

        return new V1.PublicationResult { Outcome = V1.PublicationOutcome.Accepted, TeamsUserId = teamsUserId };
    }

    /// <summary>When the connector observed the presence; the hub's clock when it says none, or a later time.</summary>
    private static DateTimeOffset ObservedAt(V1.PresencePublication publication, DateTimeOffset now) =>
        publication.ObservedAt is { Seconds: >= 0 and <= 253402300799, Nanos: >= 0 and < 1_000_000_000 } at && at.ToDateTimeOffset() < now
            ? at.ToDateTimeOffset()
            : now;

    /// <summary>Why a publication's version is not a platform ordering stamp; null when it is one.</summary>
    private static string? PlatformStampError(string version)
    {
        const string Expected = "version is the platform's own ordering stamp: 1 to 255 printable ASCII characters without spaces ('!' to '~'), " +
            "compared ordinally, e.g. a sequence number zero-padded to a fixed width ('00000000000000000042'); leave it empty to order by arrival";
        if (version.Length >= PresenceVersion.MaxLength)
        {
            return $"{Expected}; got {version.Length} characters.";
        }

        var bad = version.AsSpan().IndexOfAnyExceptInRange('!', '~');
        return bad < 0 ? null : $"{Expected}; the character at position {bad} is not allowed.";
    }

    private static V1.PublicationResult Rejected(string detail) => new() { Outcome = V1.PublicationOutcome.Rejected, Detail = detail };

    // Publications observed at the same instant order by arrival on this replica: a random replica prefix in the high
    // bits, then a counter. (A frozen or coarse clock would otherwise order them at random.)
    private static readonly ulong Replica = (ulong)BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)) << 32;
    private static long s_counter;

    private static ulong TieBreaker() => Replica | (uint)Interlocked.Increment(ref s_counter);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
