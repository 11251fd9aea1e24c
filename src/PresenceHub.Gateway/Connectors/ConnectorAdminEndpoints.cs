using PresenceHub.Presence;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The admin API for connectors: hub-issued connector keys (the secret is shown once, only its hash is kept) and
/// the identity override table. Authorized by <see cref="AdminAuthorization"/>.
/// </summary>
internal static class ConnectorAdminEndpoints
{
    public static IEndpointRouteBuilder MapConnectorAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var organization = endpoints.MapGroup("/admin/organizations/{organization}").RequireOrganizationAdmin();
        organization.MapPost("/connector-keys", IssueKeyAsync);
        organization.MapGet("/connector-keys", ListKeysAsync);
        organization.MapDelete("/connector-keys/{keyId}", RevokeKeyAsync);
        organization.MapPut("/identity-links/{platform}/{platformUserId}", LinkAsync);
        organization.MapDelete("/identity-links/{platform}/{platformUserId}", UnlinkAsync);
        return endpoints;
    }

    private static async Task<IResult> IssueKeyAsync(
        string organization, IssueKeyRequest request, IConnectorKeyStore keys, TimeProvider time, ILogger<ConnectorService> logger, CancellationToken token)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return BadRequest("The organization must be an Entra tenant id (GUID).");
        }

        if (request.Name is not { Length: > 0 and <= 100 } name)
        {
            return BadRequest("name must be 1 to 100 characters.");
        }

        if (request.Platform is { } platformName && (!Platform.TryParse(platformName, out var platform) || platform == Platform.Teams))
        {
            return BadRequest("platform must be a connector platform token such as 'xmpp' or 'slack'.");
        }

        var (key, id, hash) = ConnectorKeys.Create();
        await keys.AddAsync(new ConnectorKeyRecord(id, org, name, request.Platform, hash, time.GetUtcNow()), token).ConfigureAwait(false);
        ConnectorLog.KeyChanged(logger, id, org.ToString(), "issued");
        return Results.Created($"/admin/organizations/{org}/connector-keys/{id}", new { id, key, name, platform = request.Platform });
    }

    private static async Task<IResult> ListKeysAsync(string organization, IConnectorKeyStore keys, CancellationToken token)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return BadRequest("The organization must be an Entra tenant id (GUID).");
        }

        var list = await keys.ListAsync(org, token).ConfigureAwait(false);
        return Results.Ok(list.Select(k => new { id = k.Id, name = k.Name, platform = k.Platform, createdAt = k.CreatedAt }));
    }

    private static async Task<IResult> RevokeKeyAsync(
        string organization, string keyId, IConnectorKeyStore keys, ILogger<ConnectorService> logger, CancellationToken token)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return BadRequest("The organization must be an Entra tenant id (GUID).");
        }

        if (!await keys.RevokeAsync(org, keyId, token).ConfigureAwait(false))
        {
            return Results.NotFound();
        }

        ConnectorLog.KeyChanged(logger, keyId, org.ToString(), "revoked");
        return Results.NoContent();
    }

    private static async Task<IResult> LinkAsync(
        string organization, string platform, string platformUserId, LinkRequest request, IIdentityLinkStore links, CancellationToken token)
    {
        if (!OrganizationId.TryParse(organization, out var org) || !Platform.TryParse(platform, out var parsed) || parsed == Platform.Teams
            || platformUserId.Length is 0 or > 256)
        {
            return BadRequest("Expected /admin/organizations/{tenant id}/identity-links/{platform}/{platform user id (1-256 characters)}.");
        }

        if (!Guid.TryParse(request.TeamsUserId, out var teamsUser))
        {
            return BadRequest("teamsUserId must be the Teams user's Entra object id (GUID).");
        }

        await links.LinkAsync(org, parsed, platformUserId, teamsUser.ToString("D"), token).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> UnlinkAsync(
        string organization, string platform, string platformUserId, IIdentityLinkStore links, CancellationToken token)
    {
        if (!OrganizationId.TryParse(organization, out var org) || !Platform.TryParse(platform, out var parsed))
        {
            return BadRequest("Expected /admin/organizations/{tenant id}/identity-links/{platform}/{platform user id}.");
        }

        return await links.UnlinkAsync(org, parsed, platformUserId, token).ConfigureAwait(false) ? Results.NoContent() : Results.NotFound();
    }

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Body of a key issue request.</summary>
    internal sealed record IssueKeyRequest(string? Name, string? Platform);

    /// <summary>Body of an identity link request.</summary>
    internal sealed record LinkRequest(string? TeamsUserId);
}
