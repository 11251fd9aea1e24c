using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Authenticates every connector call from its bearer token: a hub-issued connector key (checked against its stored
/// hash in constant time) or an Entra app token of an allowed client app. Anything else is Unauthenticated.
/// </summary>
internal sealed class ConnectorAuthenticator(IConnectorKeyStore keys, IOptionsMonitor<ConnectorOptions> options, ConnectorMetrics metrics)
{
    public async Task<ConnectorCaller> AuthenticateAsync(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 16 * 1024)
        {
            throw Rejected("A bearer token is required.");
        }

        var token = header["Bearer ".Length..].Trim();
        var caller = ConnectorKeys.LooksLikeKey(token)
            ? await FromKeyAsync(token, context.CancellationToken).ConfigureAwait(false)
            : await FromEntraAsync(context).ConfigureAwait(false);
        return caller ?? throw Rejected("The token is invalid, expired or revoked.");
    }

    private async Task<ConnectorCaller?> FromKeyAsync(string token, CancellationToken cancellationToken)
    {
        if (!ConnectorKeys.TryParse(token, out var id, out var secret))
        {
            return null;
        }

        var record = await keys.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || !ConnectorKeys.Matches(secret, record.SecretHash))
        {
            return null;
        }

        return new ConnectorCaller(record.Organization, $"key:{record.Id}", record.Platform is { } platform ? Platform.Parse(platform) : null);
    }

    private async Task<ConnectorCaller?> FromEntraAsync(ServerCallContext context)
    {
        var allowed = options.CurrentValue.EntraClientIds;
        if (allowed.Count == 0)
        {
            return null;
        }

        var result = await context.GetHttpContext().AuthenticateAsync(ConnectorEntraAuthentication.Scheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            return null;
        }

        var clientId = principal.FindFirstValue("appid") ?? principal.FindFirstValue("azp");
        // App tokens only: a user's delegated token (it has a scope) is not a connector credential.
        if (clientId is null || !CallerOrganization.TryFrom(principal, out var organization) || principal.FindFirst("scp") is not null
            || principal.FindFirst("http://schemas.microsoft.com/identity/claims/scope") is not null)
        {
            return null;
        }

        foreach (var entry in allowed)
        {
            var parts = entry.Split('=', 2);
            if (string.Equals(parts[0], clientId, StringComparison.OrdinalIgnoreCase))
            {
                return new ConnectorCaller(organization, $"app:{clientId}", parts.Length == 2 ? Platform.Parse(parts[1]) : null);
            }
        }

        return null;
    }

    private RpcException Rejected(string detail)
    {
        metrics.Rejected("unauthenticated");
        return new RpcException(new Status(StatusCode.Unauthenticated, detail));
    }
}
