using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Verifies what a connector presents: a hub-issued connector key (its secret checked against the stored hash in
/// constant time) or an Entra app token of an allowed client app, whose tenant is the connector's organization
/// (<see cref="CallerOrganization"/>). Either is refused when its organization is not one the gateway serves
/// (<see cref="AdmittedOrganizations"/>), with a sentence saying so. The connector API turns a null caller into
/// Unauthenticated and a refusal into PermissionDenied.
/// </summary>
internal sealed class ConnectorCredentials(IConnectorKeyStore keys, AdmittedOrganizations admitted)
{
    /// <summary>
    /// The caller <paramref name="token"/> proves, or null when it proves nothing; <c>Refusal</c> is set when it proves
    /// a caller of an organization not served.
    /// </summary>
    /// <param name="token">The bearer token, without its scheme.</param>
    /// <param name="context">The call's HTTP context, for the Entra scheme.</param>
    /// <param name="entraClientIds">The allowed client apps (<c>client-id</c> or <c>client-id=platform</c>); none allows no app token.</param>
    public Task<(ConnectorCaller? Caller, string? Refusal)> VerifyAsync(string token, HttpContext context, IReadOnlyCollection<string> entraClientIds) =>
        ConnectorKeys.LooksLikeKey(token)
            ? FromKeyAsync(token, context.RequestAborted)
            : FromEntraAsync(context, entraClientIds);

    private async Task<(ConnectorCaller?, string?)> FromKeyAsync(string token, CancellationToken cancellationToken)
    {
        if (!ConnectorKeys.TryParse(token, out var id, out var secret))
        {
            return (null, null);
        }

        var record = await keys.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || !ConnectorKeys.Matches(secret, record.SecretHash))
        {
            return (null, null);
        }

        // A key issued while its organization was served proves nothing once the operator stops serving it.
        if (!admitted.Admits(record.Organization, "connector-key", out var refusal))
        {
            return (null, refusal);
        }

        return (new ConnectorCaller(record.Organization, $"key:{record.Id}", record.Platform is { } platform ? Platform.Parse(platform) : null), null);
    }

    private async Task<(ConnectorCaller?, string?)> FromEntraAsync(HttpContext context, IReadOnlyCollection<string> allowed)
    {
        if (allowed.Count == 0)
        {
            return (null, null);
        }

        var result = await context.AuthenticateAsync(ConnectorEntraAuthentication.Scheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            return (null, null);
        }

        var clientId = principal.FindFirstValue("appid") ?? principal.FindFirstValue("azp");
        // App tokens only: a user's delegated token (it has a scope) is not a connector credential.
        if (clientId is null || !CallerOrganization.TryFrom(principal, out _) || principal.FindFirst("scp") is not null
            || principal.FindFirst("http://schemas.microsoft.com/identity/claims/scope") is not null)
        {
            return (null, null);
        }

        if (!CallerOrganization.TryAdmitted(principal, admitted, "connector-app", out var organization, out var refusal))
        {
            return (null, refusal);
        }

        foreach (var entry in allowed)
        {
            var parts = entry.Split('=', 2);
            if (string.Equals(parts[0], clientId, StringComparison.OrdinalIgnoreCase))
            {
                return (new ConnectorCaller(organization, $"app:{clientId}", parts.Length == 2 ? Platform.Parse(parts[1]) : null), null);
            }
        }

        return (null, null);
    }
}
