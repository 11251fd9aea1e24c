using Grpc.Core;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Authenticates every connector call from its bearer token, verified by <see cref="ConnectorCredentials"/>: a
/// hub-issued connector key or an Entra app token of an allowed client app. Anything else is Unauthenticated; a
/// valid credential of an organization the gateway does not serve is PermissionDenied.
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
        var (caller, refusal) = await credentials.VerifyAsync(token, context.GetHttpContext(), [.. options.CurrentValue.EntraClientIds]).ConfigureAwait(false);
        if (refusal is not null)
        {
            metrics.Rejected("organization-not-admitted");
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        }

        return caller ?? throw Rejected("The token is invalid, expired or revoked.");
    }

    private RpcException Rejected(string detail)
    {
        metrics.Rejected("unauthenticated");
        return new RpcException(new Status(StatusCode.Unauthenticated, detail));
    }
}
