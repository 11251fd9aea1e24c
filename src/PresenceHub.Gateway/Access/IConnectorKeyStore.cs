using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>Hub-issued connector keys, looked up by id on every call.</summary>
internal interface IConnectorKeyStore
{
    /// <summary>Stores a new key.</summary>
    Task AddAsync(ConnectorKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The key with this id; null when there is none (never issued or revoked).</summary>
    Task<ConnectorKeyRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The keys of an organization.</summary>
    Task<IReadOnlyList<ConnectorKeyRecord>> ListAsync(OrganizationId organization, CancellationToken cancellationToken);

    /// <summary>Revokes a key of an organization; false when it has no such key.</summary>
    Task<bool> RevokeAsync(OrganizationId organization, string id, CancellationToken cancellationToken);
}
