namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>
/// Sits outermost in the gateway's app-only Graph HttpClient and, while <see cref="IsDown"/>, fails every request as an
/// unreachable Graph would (connection refused), before the resilience handler could retry it.
/// </summary>
internal sealed class GraphOutage
{
    private int _refused;

    public bool IsDown { get; set; }

    /// <summary>Requests refused while down.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public DelegatingHandler CreateHandler() => new Refusing(this);

    private sealed class Refusing(GraphOutage outage) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (outage.IsDown)
            {
                Interlocked.Increment(ref outage._refused);
                throw new HttpRequestException("Connection refused (Graph is down in this test).");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
