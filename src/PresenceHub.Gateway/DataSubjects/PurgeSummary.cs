namespace PresenceHub.Gateway.DataSubjects;

/// <summary>What removing a user from federation deleted, by kind: counts only, never content.</summary>
/// <param name="Consents">Consent records (0 or 1).</param>
/// <param name="Subscriptions">Presence subscriptions that covered or were owned by the user, deleted in Graph and in the gateway's records (the keeper subscribes the others again).</param>
/// <param name="OwnerSessions">Delegated owner sessions ended, with their tokens (0 or 1).</param>
/// <param name="RelayEvents">Stored relay events that mentioned the user.</param>
/// <param name="RelayEventsPending">Relay events that mention the user and still await a connector; deleted once acknowledged.</param>
/// <param name="Profiles">Directory profiles (0 or 1).</param>
/// <param name="IdentityLinks">Identity links from platform users to the user.</param>
/// <param name="WriteBackSessions">Write-back sessions (0 or 1).</param>
/// <param name="MetadataEntries">Metadata-log entries (erase only).</param>
/// <param name="RetentionHold">Whether the organization's retention hold kept the user's metadata-log entries.</param>
/// <param name="PrivacySettings">The user's own privacy settings (pause, direction), when they had changed them (0 or 1).</param>
internal sealed record PurgeSummary(
    int Consents,
    int Subscriptions,
    int OwnerSessions,
    int RelayEvents,
    int RelayEventsPending,
    int Profiles,
    int IdentityLinks,
    int WriteBackSessions,
    int MetadataEntries,
    bool RetentionHold,
    int PrivacySettings = 0);
