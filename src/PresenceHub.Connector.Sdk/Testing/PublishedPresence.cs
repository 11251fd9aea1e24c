using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>A presence a connector published to the <see cref="FakePresenceHub"/>.</summary>
/// <param name="PublicationId">The connector's publication id.</param>
/// <param name="ConnectorId">The publishing connector's id when published on its stream; null for the unary call.</param>
/// <param name="PlatformUserId">The platform user.</param>
/// <param name="State">The presence, as the hub read it.</param>
/// <param name="Outcome">What the hub answered.</param>
/// <param name="TeamsUserId">The linked Teams user; null when unlinked.</param>
/// <param name="Version">The platform's version stamp; null when none was given.</param>
public sealed record PublishedPresence(
    string PublicationId,
    string? ConnectorId,
    string PlatformUserId,
    PresenceState State,
    PublicationOutcome Outcome,
    string? TeamsUserId,
    string? Version);
