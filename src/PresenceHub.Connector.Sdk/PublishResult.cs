namespace PresenceHub.Connector.Sdk;

/// <summary>The hub's answer to a publication.</summary>
/// <param name="PublicationId">The id the client gave the publication.</param>
/// <param name="Outcome">What the hub did.</param>
/// <param name="TeamsUserId">The Teams user the platform user is linked to; null when unlinked.</param>
/// <param name="Detail">A short technical reason when not accepted; otherwise null.</param>
public sealed record PublishResult(string PublicationId, PublicationOutcome Outcome, string? TeamsUserId, string? Detail);
