using Microsoft.Extensions.Options;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>What every connector session uses, resolved once.</summary>
internal sealed class ConnectorSessionServices(
    IUserDirectory directory,
    IIdentityLinkStore links,
    ConnectorPublisher publisher,
    ConnectorRateLimiter rateLimiter,
    IMetadataLog metadataLog,
    ConnectorMetrics metrics,
    IOptionsMonitor<ConnectorOptions> options,
    TimeProvider time,
    ILogger<ConnectorSession> logger)
{
    public IUserDirectory Directory => directory;

    public IIdentityLinkStore Links => links;

    public ConnectorMetrics Metrics => metrics;

    public IOptionsMonitor<ConnectorOptions> Options => options;

    public TimeProvider Time => time;

    public ILogger Logger => logger;

    public ConnectorRateLimiter RateLimiter => rateLimiter;

    public IMetadataLog MetadataLog => metadataLog;

    public Task<V1.PublicationResult> Publish(
        ConnectorCaller caller, Platform platform, V1.PresencePublication publication, string sessionId, CancellationToken token) =>
        publisher.PublishAsync(caller, platform, publication, sessionId, token);
}
