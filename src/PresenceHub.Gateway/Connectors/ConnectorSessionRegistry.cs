using System.Collections.Concurrent;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The connector sessions open on this replica. A connector id has one session: a new one replaces the old, which
/// is told so. When the gateway stops, every session is told it is shutting down, so connectors reconnect elsewhere.
/// </summary>
internal sealed class ConnectorSessionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<(OrganizationId, string), ConnectorSession> _sessions = new();
    private readonly CancellationTokenRegistration _stopping;
    private readonly ILogger<ConnectorSessionRegistry> _logger;

    public ConnectorSessionRegistry(IHostApplicationLifetime lifetime, ILogger<ConnectorSessionRegistry> logger)
    {
        _logger = logger;
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            foreach (var session in _sessions.Values)
            {
                session.End(V1.StreamErrorReason.ServerShuttingDown, "The gateway is stopping; reconnect to resume.");
            }
        });
    }

    /// <summary>The open sessions.</summary>
    public IReadOnlyCollection<ConnectorSession> Sessions => _sessions.Values.ToList();

    public void Register(ConnectorSession session)
    {
        var key = (session.Organization, session.ConnectorId);
        _sessions.AddOrUpdate(key, session, (_, previous) =>
        {
            ConnectorLog.Replaced(_logger, previous.SessionId);
            previous.End(V1.StreamErrorReason.SessionReplaced, "A newer session of this connector id took over.");
            return session;
        });
    }

    public void Remove(ConnectorSession session) =>
        _sessions.TryRemove(new KeyValuePair<(OrganizationId, string), ConnectorSession>((session.Organization, session.ConnectorId), session));

    public void Dispose() => _stopping.Dispose();
}
