using System.Collections.Concurrent;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>Connector keys in this process only (the embedded default).</summary>
internal sealed class InMemoryConnectorKeyStore : IConnectorKeyStore
{
    private readonly ConcurrentDictionary<string, ConnectorKeyRecord> _keys = new(StringComparer.Ordinal);

    public Task AddAsync(ConnectorKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _keys[key.Id] = key;
        return Task.CompletedTask;
    }

    public Task<ConnectorKeyRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.GetValueOrDefault(id));

    public Task<IReadOnlyList<ConnectorKeyRecord>> ListAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConnectorKeyRecord>>(
            _keys.Values.Where(k => k.Organization == organization).OrderBy(k => k.CreatedAt).ToList());

    public Task<bool> RevokeAsync(OrganizationId organization, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.TryGetValue(id, out var key) && key.Organization == organization && _keys.TryRemove(id, out _));
}
