using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>Issues the RS256 JWTs Entra ID would issue: Graph access tokens, id tokens, Teams SSO and validation tokens.</summary>
internal sealed class TokenIssuer(SigningKey key, SimulatorClock clock, SimulatorAddress address, GraphSimulatorOptions options, SimulatorDirectory directory)
{
    public TimeSpan AccessTokenLifetime => options.AccessTokenLifetime;

    /// <summary>An app-only token for <paramref name="resource"/>: v1 format with <c>roles</c> and <c>idtyp=app</c>.</summary>
    public string AppToken(AppRecord app, string resource, string appIdAcr)
    {
        var payload = Common(app.TenantId, resource, GraphConstants.V1Issuer(app.TenantId), options.AccessTokenLifetime);
        payload["app_displayname"] = app.DisplayName;
        payload["appid"] = app.ClientId;
        payload["appidacr"] = appIdAcr;
        payload["idp"] = GraphConstants.V1Issuer(app.TenantId);
        payload["idtyp"] = "app";
        payload["oid"] = app.ServicePrincipalId;
        payload["sub"] = app.ServicePrincipalId;
        if (IsGraph(resource))
        {
            payload["roles"] = new JsonArray(app.ApplicationPermissions.Order(StringComparer.Ordinal).Select(r => (JsonNode)r).ToArray());
        }

        payload["ver"] = "1.0";
        return Jwt.Write(payload, key);
    }

    /// <summary>A delegated token for <paramref name="resource"/> with <c>scp</c> and <c>idtyp=user</c>.</summary>
    public string UserToken(AppRecord app, UserRecord user, string resource, IEnumerable<string> scopes)
    {
        var payload = Common(app.TenantId, resource, GraphConstants.V1Issuer(app.TenantId), options.AccessTokenLifetime);
        payload["acr"] = "1";
        payload["amr"] = new JsonArray("pwd");
        payload["app_displayname"] = app.DisplayName;
        payload["appid"] = app.ClientId;
        payload["appidacr"] = "1";
        payload["idtyp"] = "user";
        payload["name"] = user.DisplayName;
        payload["oid"] = user.Id;
        payload["scp"] = string.Join(' ', scopes);
        payload["sub"] = PairwiseSubject(user.Id, app.ClientId);
        payload["unique_name"] = user.UserPrincipalName;
        payload["upn"] = user.UserPrincipalName;
        payload["ver"] = "1.0";
        return Jwt.Write(payload, key);
    }

    /// <summary>
    /// The token Teams issues to our tab/bot for SSO: v2 format, <c>aud</c> = our client id, <c>scp=access_as_user</c>,
    /// <c>azp</c> = the Teams client.
    /// </summary>
    public string TeamsSsoToken(AppRecord app, UserRecord user, TimeSpan? lifetime)
    {
        var payload = Common(app.TenantId, app.ClientId, address.V2Issuer(app.TenantId), lifetime ?? options.AccessTokenLifetime);
        payload["azp"] = GraphConstants.TeamsClientAppId;
        payload["azpacr"] = "0";
        payload["name"] = user.DisplayName;
        payload["oid"] = user.Id;
        payload["preferred_username"] = user.UserPrincipalName;
        // Like Entra ID, a token for the app's own API carries the app roles the user is assigned on it.
        if (directory.AppRolesOf(app, user) is { Count: > 0 } roles)
        {
            payload["roles"] = new JsonArray(roles.Select(r => (JsonNode)r).ToArray());
        }

        payload["scp"] = "access_as_user";
        payload["sub"] = PairwiseSubject(user.Id, app.ClientId);
        payload["ver"] = "2.0";
        return Jwt.Write(payload, key);
    }

    public string IdToken(AppRecord app, UserRecord user)
    {
        var payload = Common(app.TenantId, app.ClientId, address.V2Issuer(app.TenantId), options.AccessTokenLifetime);
        payload["name"] = user.DisplayName;
        payload["oid"] = user.Id;
        payload["preferred_username"] = user.UserPrincipalName;
        payload["sub"] = PairwiseSubject(user.Id, app.ClientId);
        payload["ver"] = "2.0";
        return Jwt.Write(payload, key);
    }

    /// <summary>The token Graph puts in <c>validationTokens</c> of rich notifications for one (app, tenant).</summary>
    public string ValidationToken(string tenantId, string appId)
    {
        var payload = Common(tenantId, appId, GraphConstants.V1Issuer(tenantId), TimeSpan.FromHours(1));
        payload["appid"] = GraphConstants.ChangeTrackingAppId;
        payload["appidacr"] = "2";
        payload["idp"] = GraphConstants.V1Issuer(tenantId);
        payload["ver"] = "1.0";
        return Jwt.Write(payload, key);
    }

    public static bool IsGraph(string resource) =>
        string.Equals(resource.TrimEnd('/'), GraphConstants.GraphResource, StringComparison.OrdinalIgnoreCase)
        || string.Equals(resource, GraphConstants.GraphAppId, StringComparison.OrdinalIgnoreCase);

    private JsonObject Common(string tenantId, string audience, string issuer, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = issuer,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["tid"] = tenantId,
            ["uti"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('='),
        };
    }

    private static string PairwiseSubject(string userId, string clientId) =>
        Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(userId + "|" + clientId)))[..43].Replace('/', '_').Replace('+', '-');
}
