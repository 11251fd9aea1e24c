using Grpc.Core;

namespace PresenceHub.Connector.Sdk;

/// <summary>The metadata every call to the hub carries: the connector's bearer token and its platform.</summary>
internal sealed class ConnectorHeaders(ConnectorClientOptions options)
{
    public async ValueTask<Metadata> CreateAsync(CancellationToken cancellationToken)
    {
        var token = options.AccessTokenProvider is { } provider
            ? await provider(cancellationToken).ConfigureAwait(false)
            : options.AccessToken!;
        // Unary calls carry the platform in a header; streams say it in their hello.
        return new Metadata { { "authorization", "Bearer " + token }, { "presencehub-platform", options.Platform } };
    }
}
