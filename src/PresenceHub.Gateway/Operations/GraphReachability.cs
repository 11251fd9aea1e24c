using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// Whether Entra ID's token endpoint and Graph answer at all, which a cached app token cannot tell: one GET to the
/// organization's token endpoint (Entra ID answers it 400, issuing nothing) and one to Graph's host, each counting as
/// reachable on any answer below 500 (a redirect too), through the same trust as the Graph and Entra ID clients
/// (<see cref="GraphTrust"/>).
/// </summary>
internal sealed class GraphReachability(IOptions<GraphOptions> options) : IDisposable
{
    /// <summary>How long one request may take before its host counts as unreachable.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Lazy<HttpClient> _http = new(() =>
    {
        var handler = GraphTrust.CreateHandler(options.Value);
        // Graph's host redirects its root to the developer site: that answer is enough, and no other host is asked.
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler) { Timeout = RequestTimeout };
    });

    /// <summary>Null when both answer; otherwise which did not (<c>entra-id</c> or <c>graph</c>), a reason fit for logs.</summary>
    public async Task<string?> UnreachableAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var graph = options.Value;
        var tokenEndpoint = new Uri($"{graph.AuthorityHost.ToString().TrimEnd('/')}/{organization}/oauth2/v2.0/token");
        if (!await AnswersAsync(tokenEndpoint, cancellationToken).ConfigureAwait(false))
        {
            return "entra-id";
        }

        // The host's root, not /v1.0: no Graph API call is made, so none is counted against the app's throttling.
        return await AnswersAsync(new Uri(graph.BaseUrl, "/"), cancellationToken).ConfigureAwait(false) ? null : "graph";
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    private async Task<bool> AnswersAsync(Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.Value.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode < 500;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
