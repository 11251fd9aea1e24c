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
/// remembered until it expires, so the webhook makes no network call on its path. Anyone can post a forged token, so
/// refusals are counted by reason and logged at most once per <see cref="RefusalLogInterval"/> and reason, at Warning.
/// </summary>
internal sealed class ValidationTokenValidator
{
    /// <summary>The application id Graph's change tracking signs validation tokens as.</summary>
    public const string GraphChangeTrackingAppId = "0bf30f3b-4a52-48df-9a82-234910c4a086";

    /// <summary>How often at most a refusal is logged per reason; the metric counts every one.</summary>
    public static readonly TimeSpan RefusalLogInterval = TimeSpan.FromMinutes(1);

    private const int MaxRemembered = 10_000;
    private static readonly string[] IssuerFormats = ["https://sts.windows.net/{0}/", "https://login.microsoftonline.com/{0}/v2.0"];

    private readonly IConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, (Guid TenantId, DateTimeOffset Expires)> _remembered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefusalWindow> _refusals = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly GraphIngestMetrics _metrics;
    private readonly ILogger<ValidationTokenValidator> _logger;
    private readonly string _audience;

    public ValidationTokenValidator(
        IOptions<GraphOptions> options,
        IConfigurationManager<OpenIdConnectConfiguration> configuration,
        TimeProvider time,
        GraphIngestMetrics metrics,
        ILogger<ValidationTokenValidator> logger)
    {
        _configuration = configuration;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _audience = options.Value.ClientId.ToString("D");
    }

    /// <summary>The tenant a valid token speaks for, or null with the reason it is not valid (counted and logged here).</summary>
    public async ValueTask<(Guid? TenantId, string? Failure)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var (tenantId, failure) = await CheckAsync(token, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            Refused(failure);
        }

        return (tenantId, failure);
    }

    /// <summary>The reason a token was refused, from the exception IdentityModel reports: a short fixed set, fit for a metric tag.</summary>
    internal static string ReasonFor(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => "audience",
        SecurityTokenInvalidIssuerException => "issuer",
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => "lifetime",
        SecurityTokenSignatureKeyNotFoundException => "unknown-signing-key",
        SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException => "signature",
        SecurityTokenMalformedException or ArgumentException => "malformed",
        _ => "invalid",
    };

    private void Refused(string reason)
    {
        _metrics.ValidationTokenRefused(reason);
        var now = _time.GetUtcNow();
        var window = _refusals.GetOrAdd(reason, _ => new RefusalWindow());
        int suppressed;
        lock (window)
        {
            if (window.LoggedAt is { } last && now - last < RefusalLogInterval)
            {
                window.Suppressed++;
                return;
            }

            (suppressed, window.LoggedAt, window.Suppressed) = (window.Suppressed, now, 0);
        }

        GraphIngestLog.ValidationTokenRefused(_logger, reason, suppressed);
    }

    private async ValueTask<(Guid? TenantId, string? Failure)> CheckAsync(string token, CancellationToken cancellationToken)
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
            return (null, ReasonFor(result.Exception));
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
        // Refusals are counted and logged here, at most once a minute per reason; IdentityModel would log each at Error.
        LogValidationExceptions = false,
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

    /// <summary>When a reason was last logged, and how many refusals for it went unlogged since.</summary>
    private sealed class RefusalWindow
    {
        public DateTimeOffset? LoggedAt { get; set; }

        public int Suppressed { get; set; }
    }
}
