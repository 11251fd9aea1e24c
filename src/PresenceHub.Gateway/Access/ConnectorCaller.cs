using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>Who is calling the connector API, as its credential says; the organization comes from nowhere else.</summary>
/// <param name="Organization">The organization the credential belongs to; every answer is limited to it.</param>
/// <param name="CredentialId">Names the credential in logs: <c>key:{id}</c> or <c>app:{client id}</c>.</param>
/// <param name="AllowedPlatform">The only platform the credential may connect as; null for any.</param>
internal sealed record ConnectorCaller(OrganizationId Organization, string CredentialId, Platform? AllowedPlatform)
{
    /// <summary>Whether the credential allows connecting as <paramref name="platform"/>.</summary>
    public bool Allows(Platform platform) => AllowedPlatform is not { } allowed || allowed == platform;
}
