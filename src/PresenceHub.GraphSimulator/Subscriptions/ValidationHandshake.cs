using System.Text;
using PresenceHub.GraphSimulator.Control;

namespace PresenceHub.GraphSimulator.Subscriptions;

/// <summary>
/// Graph's validation request: POST <c>{url}?validationToken=...</c> (text/plain); the endpoint must answer 200 with
/// the decoded token as text/plain within the handshake timeout.
/// </summary>
internal sealed partial class ValidationHandshake(
    IHttpClientFactory httpClients,
    GraphSimulatorOptions options,
    SimulatorCounters counters,
    ILogger<ValidationHandshake> logger)
{
    public const string HttpClientName = "PresenceHub.GraphSimulator.Notifications";

    public async Task<bool> ValidateAsync(string url, CancellationToken ct)
    {
        counters.Handshake();
        var token = $"Validation: Testing client application reachability for subscription Request-Id: {Guid.NewGuid()}";
        var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        using var request = new HttpRequestMessage(HttpMethod.Post, url + separator + "validationToken=" + Uri.EscapeDataString(token))
        {
            Content = new StringContent("", Encoding.UTF8, "text/plain"),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var ok = (int)response.StatusCode == 200 && string.Equals(body, token, StringComparison.Ordinal);
            if (!ok)
            {
                LogHandshakeRejected(logger, (int)response.StatusCode);
            }

            return ok;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogHandshakeFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Validation handshake rejected: status {Status} or wrong token")]
    private static partial void LogHandshakeRejected(ILogger logger, int status);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Validation handshake failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);
}
