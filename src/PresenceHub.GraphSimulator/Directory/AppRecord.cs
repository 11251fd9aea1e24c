using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.GraphSimulator.Directory;

internal sealed record AppRecord(
    string TenantId,
    string ClientId,
    string DisplayName,
    string? ClientSecret,
    X509Certificate2? Certificate,
    string IdentifierUri,
    IReadOnlySet<string> ApplicationPermissions,
    IReadOnlySet<string> DelegatedPermissions,
    string ServicePrincipalId);
