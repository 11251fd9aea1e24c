using System.Collections.Concurrent;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>Sits in the gateway's Graph HttpClient and keeps the URL and body of every request it sends to Graph.</summary>
internal sealed class GraphRequestRecorder
{
    public ConcurrentQueue<string> Requests { get; } = new();

    public DelegatingHandler CreateHandler() => new Recording(this);

    private sealed class Recording(GraphRequestRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            recorder.Requests.Enqueue($"{request.Method} {Uri.UnescapeDataString(request.RequestUri!.ToString())} {body}");
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
