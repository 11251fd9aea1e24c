using System.Collections.Concurrent;
using Azure.Core;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web.TokenCacheProviders;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphApi;

/// <summary>
/// Delegated Graph tokens of the users who own presence subscriptions (Graph accepts no app-only presence
/// subscription). A consenting user's Teams SSO token is exchanged on their behalf once, starting a long-running
/// session; later tokens come from the refresh token in Microsoft.Identity.Web's token cache (Redis when replicas
/// share state) under an opaque session key, with no user present.
/// </summary>
internal sealed class SubscriptionOwnerTokens(
    IOptions<GraphOptions> options,
    IMsalTokenCacheProvider tokenCache,
    IHttpClientFactory httpClients)
{
    /// <summary>The name of the HttpClient MSAL uses, which trusts what <see cref="GraphTrust"/> trusts.</summary>
    public const string HttpClientName = "entra";

    private static readonly string[] GraphDelegatedScopes = ["https://graph.microsoft.com/.default"];
    private readonly ConcurrentDictionary<OrganizationId, Lazy<IConfidentialClientApplication>> _applications = new();

    /// <summary>Exchanges a user's Teams SSO token and returns the key of their long-running session.</summary>
    /// <exception cref="MsalException">Entra ID refused the exchange (consent missing, token invalid, ...).</exception>
    public async Task<string> BeginSessionAsync(OrganizationId organization, string userId, string ssoToken, CancellationToken cancellationToken)
    {
        var application = await ApplicationAsync(organization).ConfigureAwait(false);
        var sessionKey = $"owner:{organization}:{userId.ToLowerInvariant()}";
        await ((ILongRunningWebApi)application)
            .InitiateLongRunningProcessInWebApi(GraphDelegatedScopes, ssoToken, ref sessionKey)
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return sessionKey;
    }

    /// <summary>Ends a session and forgets its tokens.</summary>
    public async Task EndSessionAsync(OrganizationId organization, string sessionKey, CancellationToken cancellationToken)
    {
        if (await ApplicationAsync(organization).ConfigureAwait(false) is ConfidentialClientApplication application)
        {
            await application.StopLongRunningProcessInWebApiAsync(sessionKey, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A credential that yields the session owner's Graph token, refreshing it from the cache as needed.</summary>
    public TokenCredential Credential(OrganizationId organization, string sessionKey) => new OwnerCredential(this, organization, sessionKey);

    private async Task<AccessToken> AcquireAsync(OrganizationId organization, string sessionKey, CancellationToken cancellationToken)
    {
        var application = await ApplicationAsync(organization).ConfigureAwait(false);
        var result = await ((ILongRunningWebApi)application)
            .AcquireTokenInLongRunningProcess(GraphDelegatedScopes, sessionKey)
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new AccessToken(result.AccessToken, result.ExpiresOn);
    }

    private Task<IConfidentialClientApplication> ApplicationAsync(OrganizationId organization) =>
        Task.FromResult(_applications.GetOrAdd(organization, org => new Lazy<IConfidentialClientApplication>(() => Create(org))).Value);

    private IConfidentialClientApplication Create(OrganizationId organization)
    {
        var graph = options.Value;
        var builder = ConfidentialClientApplicationBuilder.Create(graph.ClientId.ToString())
            .WithAuthority(new Uri(graph.AuthorityHost, organization.ToString()).ToString())
            // Entra's instance metadata is built into MSAL for Microsoft's clouds; discovery would only reach out.
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new MsalHttpClients(httpClients));
        builder = graph.ClientSecret is { Length: > 0 } secret
            ? builder.WithClientSecret(secret)
            : builder.WithCertificate(graph.ClientCertificatePassword is { } password
                ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(graph.ClientCertificatePath!, password)
                : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(graph.ClientCertificatePath!));
        var application = builder.Build();
        tokenCache.Initialize(application.UserTokenCache);
        return application;
    }

    private sealed class MsalHttpClients(IHttpClientFactory httpClients) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => httpClients.CreateClient(HttpClientName);
    }

    private sealed class OwnerCredential(SubscriptionOwnerTokens tokens, OrganizationId organization, string sessionKey) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            await tokens.AcquireAsync(organization, sessionKey, cancellationToken).ConfigureAwait(false);
    }
}
