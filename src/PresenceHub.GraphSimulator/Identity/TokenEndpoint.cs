using System.Security.Cryptography.X509Certificates;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>
/// <c>POST /{tenant}/oauth2/v2.0/token</c>: client credentials (secret or certificate assertion), on-behalf-of and
/// refresh-token grants, answering in Entra ID's JSON (and its error JSON with AADSTS codes). A GET is answered 400
/// with AADSTS900561, as Entra ID does; with <see cref="FaultSettings.TokenEndpointUnavailable"/> every request is 503.
/// </summary>
internal sealed partial class TokenEndpoint(
    SimulatorDirectory directory,
    TokenIssuer issuer,
    TokenValidator validator,
    RefreshTokenStore refreshTokens,
    SimulatorFaults faults,
    SimulatorClock clock,
    TimeProvider realTime,
    ILogger<TokenEndpoint> logger)
{
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly string[] OidcScopes = ["openid", "profile", "offline_access", "email"];

    public async Task<IResult> HandleAsync(HttpContext context, string tenant)
    {
        if (faults.Current.TokenEndpointUnavailable)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return Error(400, "invalid_request", 900561, $"The endpoint only accepts POST, OPTIONS requests. Received a {context.Request.Method} request.");
        }

        if (!context.Request.HasFormContentType)
        {
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var tenantRecord = directory.FindTenant(tenant);
        if (tenantRecord is null)
        {
            return Error(400, "invalid_tenant", 90002, $"Tenant '{tenant}' not found.");
        }

        var (app, clientError, appIdAcr) = AuthenticateClient(context, form, tenantRecord.Id);
        if (clientError is not null)
        {
            return clientError;
        }

        var grantType = form["grant_type"].ToString();
        var scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        LogTokenRequest(logger, grantType, tenantRecord.Id, app!.ClientId);
        return grantType switch
        {
            "client_credentials" => ClientCredentials(app, scopes, appIdAcr),
            JwtBearerGrant => OnBehalfOf(app, form["assertion"].ToString(), form["requested_token_use"].ToString(), scopes, form["client_info"] == "1"),
            "refresh_token" => Refresh(app, form["refresh_token"].ToString(), form["client_info"] == "1"),
            _ => Error(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grantType}'."),
        };
    }

    private (AppRecord? App, IResult? Error, string AppIdAcr) AuthenticateClient(HttpContext context, IFormCollection form, string tenantId)
    {
        var clientId = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':', 2);
            clientId = Uri.UnescapeDataString(pair[0]);
            secret = pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : "";
        }

        var app = directory.FindApp(tenantId, clientId);
        if (app is null)
        {
            return (null, Error(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenantId}'."), "");
        }

        if (form["client_assertion_type"] == AssertionType)
        {
            return CheckAssertion(app, form["client_assertion"].ToString()) is { } reason
                ? (null, Error(401, "invalid_client", 700027, $"Client assertion failed signature validation. {reason}"), "")
                : (app, null, "2");
        }

        if (string.IsNullOrEmpty(secret))
        {
            return (null, Error(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."), "");
        }

        if (app.ClientSecret is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(app.ClientSecret)))
        {
            return (null, Error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + app.ClientId + "'."), "");
        }

        return (app, null, "1");
    }

    private string? CheckAssertion(AppRecord app, string assertion)
    {
        if (app.Certificate is null)
        {
            return "No certificate is registered for the application.";
        }

        if (!Jwt.TryRead(assertion, out var jwt))
        {
            return "The assertion is malformed.";
        }

        using var key = app.Certificate.GetRSAPublicKey();
        if (key is null || !TokenValidator.VerifyWithCertificate(jwt, key))
        {
            return "The signature does not match the registered certificate.";
        }

        if (jwt.Claim("iss") != app.ClientId || jwt.Claim("sub") != app.ClientId)
        {
            return "iss and sub must be the client id.";
        }

        // The client signs its assertion on its own (real) clock, so check its lifetime against real time.
        var now = realTime.GetUtcNow().ToUnixTimeSeconds();
        if (jwt.NumericClaim("exp") is not { } exp || exp + 300 < now)
        {
            return "The assertion is expired.";
        }

        var aud = jwt.Claim("aud") ?? jwt.ListClaim("aud").FirstOrDefault() ?? "";
        return aud.Contains("/oauth2/", StringComparison.Ordinal) ? null : "The audience must be the token endpoint.";
    }

    private IResult ClientCredentials(AppRecord app, string[] scopes, string appIdAcr)
    {
        if (scopes.Length != 1 || !scopes[0].EndsWith("/.default", StringComparison.Ordinal))
        {
            return Error(400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }

        var resource = scopes[0][..^"/.default".Length];
        var token = issuer.AppToken(app, resource, appIdAcr);
        var lifetime = (long)issuer.AccessTokenLifetime.TotalSeconds;
        return Results.Json(new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = lifetime,
            ["ext_expires_in"] = lifetime,
            ["access_token"] = token,
        });
    }

    private IResult OnBehalfOf(AppRecord app, string assertion, string requestedTokenUse, string[] scopes, bool clientInfo)
    {
        if (!string.Equals(requestedTokenUse, "on_behalf_of", StringComparison.Ordinal))
        {
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'requested_token_use'.");
        }

        if (validator.Validate(assertion, out var jwt) is { } reason)
        {
            return Error(400, "invalid_grant", 50013, $"Assertion failed signature validation. {reason}");
        }

        var audience = jwt!.Claim("aud") ?? "";
        if (!string.Equals(jwt.Claim("tid"), app.TenantId, StringComparison.OrdinalIgnoreCase)
            || (!string.Equals(audience, app.ClientId, StringComparison.OrdinalIgnoreCase) && !string.Equals(audience, app.IdentifierUri, StringComparison.Ordinal)))
        {
            return Error(400, "invalid_grant", 50013, "Assertion audience does not match the Client app presenting the assertion.");
        }

        if (jwt.Claim("scp") is null || directory.FindUser(jwt.Claim("oid") ?? "") is not { } user)
        {
            return Error(400, "invalid_grant", 50013, "The assertion is not a delegated user token.");
        }

        var (resource, granted, error) = ResolveDelegatedScopes(app, scopes);
        return error ?? DelegatedResponse(app, user, resource, granted, clientInfo);
    }

    private IResult Refresh(AppRecord app, string refreshToken, bool clientInfo)
    {
        var grant = refreshTokens.Find(refreshToken);
        if (grant is null || grant.ClientId != app.ClientId || grant.Expires <= clock.GetUtcNow())
        {
            return Error(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
        }

        if (directory.FindUser(grant.UserId) is not { } user)
        {
            return Error(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
        }

        return DelegatedResponse(app, user, grant.Resource, grant.Scopes, clientInfo);
    }

    private (string Resource, IReadOnlyList<string> Granted, IResult? Error) ResolveDelegatedScopes(AppRecord app, string[] scopes)
    {
        var resourceScopes = scopes.Where(s => !OidcScopes.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
        if (resourceScopes.Count == 0)
        {
            return ("", [], Error(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid."));
        }

        var resource = resourceScopes[0][..resourceScopes[0].LastIndexOf('/')];
        var names = resourceScopes.Select(s => s[(s.LastIndexOf('/') + 1)..]).ToList();
        if (names.Contains(".default"))
        {
            return (resource, app.DelegatedPermissions.Order(StringComparer.Ordinal).ToList(), null);
        }

        var missing = names.Where(n => !app.DelegatedPermissions.Contains(n)).ToList();
        return missing.Count > 0
            ? (resource, [], Error(400, "invalid_grant", 65001, $"The user or administrator has not consented to use the application with ID '{app.ClientId}'. Missing: {string.Join(' ', missing)}."))
            : (resource, names, null);
    }

    private IResult DelegatedResponse(AppRecord app, UserRecord user, string resource, IReadOnlyList<string> scopes, bool clientInfo)
    {
        var lifetime = (long)issuer.AccessTokenLifetime.TotalSeconds;
        var refresh = refreshTokens.Issue(new RefreshGrant(app.TenantId, app.ClientId, user.Id, resource, scopes, clock.GetUtcNow().AddDays(90)));
        var prefix = TokenIssuer.IsGraph(resource) ? GraphConstants.GraphResource + "/" : resource + "/";
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = string.Join(' ', scopes.Select(s => prefix + s).Concat(["openid", "profile", "offline_access"])),
            ["expires_in"] = lifetime,
            ["ext_expires_in"] = lifetime,
            ["access_token"] = issuer.UserToken(app, user, TokenIssuer.IsGraph(resource) ? GraphConstants.GraphResource : resource, scopes),
            ["refresh_token"] = refresh,
            ["refresh_token_expires_in"] = (long)TimeSpan.FromDays(90).TotalSeconds,
            ["id_token"] = issuer.IdToken(app, user),
        };
        if (clientInfo)
        {
            var info = new JsonObject { ["uid"] = user.Id, ["utid"] = user.TenantId }.ToJsonString();
            body["client_info"] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(info));
        }

        return Results.Json(body);
    }

    private IResult Error(int status, string error, int code, string description)
    {
        var traceId = Guid.NewGuid().ToString();
        return Results.Json(
            new JsonObject
            {
                ["error"] = error,
                ["error_description"] = $"AADSTS{code}: {description} Trace ID: {traceId}",
                ["error_codes"] = new JsonArray(code),
                ["timestamp"] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["trace_id"] = traceId,
                ["correlation_id"] = Guid.NewGuid().ToString(),
            },
            statusCode: status);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Token request {GrantType} for tenant {TenantId} client {ClientId}")]
    private static partial void LogTokenRequest(ILogger logger, string grantType, string tenantId, string clientId);
}
