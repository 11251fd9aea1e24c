using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>A hub-issued connector key as stored: the secret itself is never kept, only its SHA-256.</summary>
/// <param name="Id">The key's public id, the part of the key before the secret.</param>
/// <param name="Organization">The only organization the key gives access to.</param>
/// <param name="Name">The administrator's label for it.</param>
/// <param name="Platform">The only platform a connector may connect as with it; null for any.</param>
/// <param name="SecretHash">SHA-256 of the secret.</param>
/// <param name="CreatedAt">When it was issued.</param>
internal sealed record ConnectorKeyRecord(
    string Id,
    OrganizationId Organization,
    string Name,
    string? Platform,
    byte[] SecretHash,
    DateTimeOffset CreatedAt);
