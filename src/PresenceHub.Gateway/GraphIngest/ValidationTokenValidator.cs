using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Checks the <c>validationTokens</c> of rich notifications: RS256 signature against the keys of the OpenID
/// configuration, audience = our app id, issuer = the token's own tenant, unexpired by the injected clock, and
/// <c>appid</c> = Graph change tracking, which the SDK's <c>AreTokensValidAsync</c> does not check. The SDK helper
/// also downloads the OpenID configuration on every call; here one configuration manager caches the keys (and
/// refreshes them at most every five minutes when an unknown key appears), and a token already validated is
/// remembered until it expires, so the webhook makes no network call on its path.
/// </summary>
internal sealed class ValidationTokenValidator
{
    /// <summary>The application id Graph's change tracking signs validation tokens as.</summary>
    public const string GraphChangeTrackingAppId = "0bf30f3b-4a52-48df-9a82-234910c4a086";

    private const int MaxRemembered = 10_000;
    private static readonly string[] IssuerFormats = ["https://sts.windows.net/{0}/", "https://login.microsoftonline.com/{0}/v2.0"];

    private readonly IConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, (Guid TenantId, DateTimeOffset Expires)> _remembered = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _audience;

    public ValidationTokenValidator(IOptions<GraphOptions> options, IConfigurationManager<OpenIdConnectConfiguration> configuration, TimeProvider time)
    {
        _configuration = configuration;
        _time = time;
        _audience = options.Value.ClientId.ToString("D");
    }

    /// <summary>The tenant a valid token speaks for, or null with the reason it is not valid.</summary>
    public async ValueTask<(Guid? TenantId, string? Failure)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_remembered.TryGetValue(token, out var known))
        {
            if (known.Expires > now)
            {
                return (known.TenantId, null);
            }

            _remembered.TryRemove(token, out _);
        }

        if (token.Length > 16 * 1024)
        {
            return (null, "oversized");
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _configuration.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return (null, "signing-keys-unavailable");
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(configuration)).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            _configuration.RequestRefresh();
        }

        if (!result.IsValid)
        {
            return (null, result.Exception?.GetType().Name ?? "invalid");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>("appid", out var appId) && !jwt.TryGetPayloadValue("azp", out appId) ||
            !string.Equals(appId, GraphChangeTrackingAppId, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "appid");
        }

        var tenantId = Guid.Parse(jwt.GetPayloadValue<string>("tid"));
        if (_remembered.Count >= MaxRemembered)
        {
            _remembered.Clear();
        }

        _remembered[token] = (tenantId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        return (tenantId, null);
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidAudience = _audience,
        ValidateAudience = true,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidateIssuerSigningKey = true,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        LifetimeValidator = (notBefore, expires, _, parameters) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            return expires is { } exp && exp.ToUniversalTime() + parameters.ClockSkew >= now &&
                   (notBefore is not { } nbf || nbf.ToUniversalTime() - parameters.ClockSkew <= now);
        },
        ValidateIssuer = true,
        IssuerValidator = (issuer, token, _) =>
        {
            // The issuer must be the token's own tenant, in either of Entra's issuer formats.
            if (token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var tid) && Guid.TryParse(tid, out var tenant) &&
                IssuerFormats.Any(format => string.Equals(issuer, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, tenant.ToString("D")), StringComparison.Ordinal)))
            {
                return issuer;
            }

            throw new SecurityTokenInvalidIssuerException("The issuer is not the token's own tenant.");
        },
    };
}
