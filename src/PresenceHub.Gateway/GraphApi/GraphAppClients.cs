using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphApi;

/// <summary>
/// App-only Graph clients, one per organization (tenant), authenticated by Azure.Identity with the app's secret or
/// certificate. Only configuration (authority host, Graph base URL, trusted CA) tells Microsoft from the simulator.
/// </summary>
internal sealed class GraphAppClients(IOptions<GraphOptions> options, IHttpClientFactory httpClients) : IDisposable
{
    /// <summary>The name of the HttpClient that calls Graph, with the standard resilience handler.</summary>
    public const string HttpClientName = "graph";

    /// <summary>Graph's resource scope; the same against the simulator, whose tokens carry Graph's audience.</summary>
    public static readonly string[] AppScopes = ["https://graph.microsoft.com/.default"];

    private readonly ConcurrentDictionary<OrganizationId, GraphServiceClient> _clients = new();
    private readonly Lazy<HttpClient> _identityHttp = new(() => new HttpClient(GraphTrust.CreateHandler(options.Value)));

    public GraphServiceClient For(OrganizationId organization) =>
        _clients.GetOrAdd(organization, org => Create(CreateCredential(org)));

    /// <summary>A Graph client that authenticates with <paramref name="credential"/>, such as a subscription owner's delegated token.</summary>
    public GraphServiceClient Create(TokenCredential credential, params string[] scopes)
    {
        var graph = options.Value;
        var authentication = new AzureIdentityAuthenticationProvider(
            credential, [graph.BaseUrl.Host], null, false, scopes.Length == 0 ? AppScopes : scopes);
        return new GraphServiceClient(httpClients.CreateClient(HttpClientName), authentication, graph.BaseUrl.ToString().TrimEnd('/'));
    }

    public TokenCredential CreateCredential(OrganizationId organization)
    {
        var graph = options.Value;
        var tenant = organization.ToString();
        var transport = new HttpClientTransport(_identityHttp.Value);
        if (graph.ClientSecret is { Length: > 0 } secret)
        {
            return new ClientSecretCredential(tenant, graph.ClientId.ToString(), secret, new ClientSecretCredentialOptions
            {
                AuthorityHost = graph.AuthorityHost,
                DisableInstanceDiscovery = true,
                Transport = transport,
            });
        }

        var certificateOptions = new ClientCertificateCredentialOptions
        {
            AuthorityHost = graph.AuthorityHost,
            DisableInstanceDiscovery = true,
            SendCertificateChain = false,
            Transport = transport,
        };
        return graph.ClientCertificatePassword is { } password
            ? new ClientCertificateCredential(tenant, graph.ClientId.ToString(),
                System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(graph.ClientCertificatePath!, password), certificateOptions)
            : new ClientCertificateCredential(tenant, graph.ClientId.ToString(), graph.ClientCertificatePath!, certificateOptions);
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        if (_identityHttp.IsValueCreated)
        {
            _identityHttp.Value.Dispose();
        }
    }
}
