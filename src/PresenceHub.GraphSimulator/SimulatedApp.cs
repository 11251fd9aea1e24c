namespace PresenceHub.GraphSimulator;

/// <summary>An app registration (with its service principal) in a simulated tenant.</summary>
public sealed class SimulatedApp
{
    /// <summary>Client (application) id, a GUID string. Generated when empty.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; set; } = "PresenceHub";

    /// <summary>Client secret accepted by the token endpoint; null for none.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Base64 DER of a certificate (public part) whose key may sign <c>client_assertion</c> JWTs; null for none.
    /// </summary>
    public string? CertificateBase64 { get; set; }

    /// <summary>Application ID URI (audience of Teams SSO tokens). Default <c>api://{ClientId}</c>.</summary>
    public string? IdentifierUri { get; set; }

    /// <summary>Granted application permissions (app roles on Graph), e.g. <c>Presence.ReadWrite.All</c>.</summary>
    public IList<string> ApplicationPermissions { get; set; } = [];

    /// <summary>
    /// Consented delegated permissions, granted for <c>.default</c> on-behalf-of requests.
    /// Default when empty: Presence.Read.All, Presence.ReadWrite, User.Read, User.ReadBasic.All.
    /// </summary>
    public IList<string> DelegatedPermissions { get; set; } = [];
}
