using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Reads everything the gateway holds about one user of one organization, and only about them: for the export
/// (<c>GET …/users/{userId}/export</c>, <c>GET /api/me/export</c>) and the self-service summary (<c>GET /api/me</c>).
/// Every read is keyed by the organization and the user; nothing is listed across users except the organization's
/// consents, of which only the user's own is kept. Delegated tokens are reported as present, never exported.
/// </summary>
internal sealed class DataSubjectRecords(
    IConsentStore consents,
    IPrivacySettingsStore settings,
    IUserDirectory directory,
    IPresenceRelay relay,
    IIdentityLinkStore links,
    IConnectorKeyStore connectorKeys,
    IFederationPolicyStore policies,
    ConnectorSessionRegistry sessions,
    IWriteBackStore writeBacks,
    IMetadataLog metadataLog,
    TimeProvider time)
{
    /// <summary>Most metadata entries an export carries (the retention keeps the log bounded anyway).</summary>
    public const int MaxMetadataEntries = 100_000;

    /// <summary>The profile fields that go out to connectors while the user shares out (see <see cref="UserProfileRecord"/>).</summary>
    public static readonly IReadOnlyList<string> SharedProfileFields = ["displayName", "mail", "userPrincipalName", "jobTitle"];

    private static readonly Platform[] KnownPlatforms = [Platform.Slack, Platform.Xmpp, Platform.Matrix, Platform.Webex, Platform.Zoom, Platform.Sip];

    /// <summary>Whether the user takes part in federation: one field read, not the organization's list.</summary>
    public async Task<bool> IsConsentingAsync(OrganizationId organization, string userId, CancellationToken cancellationToken) =>
        (await consents.AreConsentingAsync(organization, [userId], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The user's consent; null when they do not take part.</summary>
    public async Task<Consent?> ConsentAsync(OrganizationId organization, string userId, CancellationToken cancellationToken) =>
        (await consents.ListAsync(organization, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(c => string.Equals(c.UserId, userId, StringComparison.OrdinalIgnoreCase));

    /// <summary>Everything held about the user, as the export's JSON document, and how many metadata entries it carries.</summary>
    public async Task<(object Document, int MetadataEntries)> ExportAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        var consent = await ConsentAsync(organization, userId, cancellationToken).ConfigureAwait(false);
        var privacy = (await settings.GetManyAsync(organization, [userId], cancellationToken).ConfigureAwait(false))[0];
        var profile = (await directory.GetManyAsync(organization, [userId], cancellationToken).ConfigureAwait(false))[0];
        var writeBack = (await writeBacks.GetAsync([new WriteBackKey(organization, userId)], cancellationToken).ConfigureAwait(false))[0];
        var entries = await metadataLog.QueryAsync(organization, userId, DateTimeOffset.MinValue, time.GetUtcNow(), MaxMetadataEntries, cancellationToken)
            .ConfigureAwait(false);

        // Presence and links are keyed by platform: look at every platform the organization or the user's records name.
        var platforms = (await CandidatePlatformsAsync(organization, cancellationToken).ConfigureAwait(false))
            .Concat(writeBack?.Sources.Select(s => Platform.TryParse(s.Platform, out var p) ? p : Platform.Teams) ?? [])
            .Concat(entries.SelectMany(e => new[] { e.Sender, e.Receiver }).Select(PlatformOfAddress).OfType<Platform>())
            .Where(p => p != Platform.Teams)
            .Distinct()
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        var presence = await relay.GetLastKnownAsync(organization,
            [new PresenceSubject(Platform.Teams, userId), .. platforms.Select(p => new PresenceSubject(p, userId))], cancellationToken).ConfigureAwait(false);
        var linked = await Task.WhenAll(platforms.Select(p => links.FindPlatformUsersAsync(organization, p, [userId], cancellationToken))).ConfigureAwait(false);

        return (new
        {
            format = "presencehub-data-subject-export/1",
            organization = organization.ToString(),
            userId,
            exportedAt = time.GetUtcNow(),
            consent = consent is null ? null : new
            {
                source = consent.Source.ToString(),
                grantedAt = consent.GrantedAt,
                delegatedSession = consent.CanOwnSubscriptions,
            },
            privacy = Settings(privacy),
            profile = profile is null ? null : new
            {
                userId = profile.UserId,
                displayName = profile.DisplayName,
                mail = profile.Mail,
                userPrincipalName = profile.UserPrincipalName,
                jobTitle = profile.JobTitle,
                accountEnabled = profile.AccountEnabled,
            },
            presence = presence.OfType<PresenceUpdate>().Select(Presence).ToList(),
            identityLinks = platforms.Select((p, i) => (Platform: p, Linked: linked[i][0]))
                .Where(l => l.Linked is not null)
                .Select(l => new { platform = l.Platform.Id, platformUserId = l.Linked })
                .ToList(),
            writeBack = writeBack is null ? null : new
            {
                sources = writeBack.Sources.Select(s => new { platform = s.Platform, version = s.Version, teamsSession = s.Pair }).ToList(),
                appliedSession = writeBack.AppliedPair,
                appliedPlatform = writeBack.AppliedPlatform,
                appliedAt = writeBack.AppliedAt,
                expiresAt = writeBack.ExpiresAt,
                failures = writeBack.Failures,
            },
            metadataLog = entries.Select(e => new { time = e.Time, sender = e.Sender, receiver = e.Receiver, type = e.Type.ToString(), sessionId = e.SessionId })
                .ToList(),
        }, entries.Count);
    }

    /// <summary>The user's own summary: consent, settings, and what is shared with which platforms.</summary>
    public async Task<object> SummaryAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        var consent = await ConsentAsync(organization, userId, cancellationToken).ConfigureAwait(false);
        var privacy = (await settings.GetManyAsync(organization, [userId], cancellationToken).ConfigureAwait(false))[0];
        var receiving = await ReceivingPlatformsAsync(organization, cancellationToken).ConfigureAwait(false);
        var sharing = consent is not null && privacy.SharesOut;
        return new
        {
            organization = organization.ToString(),
            userId,
            consent = consent is null ? null : new { source = consent.Source.ToString(), since = consent.GrantedAt },
            privacy = Settings(privacy),
            shared = new
            {
                presence = sharing,
                profileFields = sharing ? SharedProfileFields : [],
                platforms = sharing ? receiving : [],
            },
            shownIn = consent is not null && privacy.ShowsIn,
        };
    }

    /// <summary>The settings as the API shows them.</summary>
    public static object Settings(PrivacySettings privacy) => new { paused = privacy.Paused, shareOut = privacy.ShareOut, showIn = privacy.ShowIn };

    /// <summary>The platforms of the organization's connectors connected to this replica now, that its federation policy allows.</summary>
    private async Task<IReadOnlyList<string>> ReceivingPlatformsAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var policy = await policies.GetAsync(organization, cancellationToken).ConfigureAwait(false);
        return sessions.Sessions.Where(s => s.Organization == organization && policy.AllowsPlatform(s.Platform))
            .Select(s => s.Platform.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private async Task<IEnumerable<Platform>> CandidatePlatformsAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var keys = await connectorKeys.ListAsync(organization, cancellationToken).ConfigureAwait(false);
        var policy = await policies.GetAsync(organization, cancellationToken).ConfigureAwait(false);
        return KnownPlatforms
            .Concat(keys.Select(k => k.Platform).OfType<string>().Select(Platform.Parse))
            .Concat(policy.Platforms?.Select(Platform.Parse) ?? [])
            .Concat(sessions.Sessions.Where(s => s.Organization == organization).Select(s => s.Platform));
    }

    private static Platform? PlatformOfAddress(string address)
    {
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Platform.TryParse(address[..colon], out var platform) && platform.Id != "connector" ? platform : null;
    }

    private static object Presence(PresenceUpdate update) => new
    {
        source = update.Source.Id,
        origin = update.Origin.Id,
        availability = update.State.Availability.ToString(),
        activity = update.State.Activity.ToString(),
        statusMessage = update.State.StatusMessage is { } message ? new { content = message.Content, expiry = message.Expiry } : null,
        outOfOffice = update.State.OutOfOffice is { } ooo ? new { isOutOfOffice = ooo.IsOutOfOffice, message = ooo.Message } : null,
        version = update.Version.Stamp,
        observedAt = update.ObservedAt,
    };
}
