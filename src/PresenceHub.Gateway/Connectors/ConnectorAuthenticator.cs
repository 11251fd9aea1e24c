using Grpc.Core;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Authenticates every connector call from its bearer token, verified by <see cref="ConnectorCredentials"/>: a
/// hub-issued connector key or an Entra app token of an allowed client app. Anything else is Unauthenticated.
/// </summary>
internal sealed class ConnectorAuthenticator(ConnectorCredentials credentials, IOptionsMonitor<ConnectorOptions> options, ConnectorMetrics metrics)
{
    public async Task<ConnectorCaller> AuthenticateAsync(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 16 * 1024)
        {
            throw Rejected("A bearer token is required.");
        }

        var token = header["Bearer ".Length..].Trim();
        var caller = await credentials.VerifyAsync(token, context.GetHttpContext(), [.. options.CurrentValue.EntraClientIds]).ConfigureAwait(false);
        return caller ?? throw Rejected("The token is invalid, expired or revoked.");
    }

    private RpcException Rejected(string detail)
    {
        metrics.Rejected("unauthenticated");
        return new RpcException(new Status(StatusCode.Unauthenticated, detail));
    }
}
