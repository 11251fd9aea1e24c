using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Presence.ClearPresence;
using Microsoft.Graph.Users.Item.Presence.SetPresence;
using Microsoft.Kiota.Abstractions;
using PresenceHub.Presence;
using PresenceHub.Presence.Platforms;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// Calls Graph's <c>setPresence</c> and <c>clearPresence</c> app-only, with our application id as session id, through
/// the app-only client whose resilience handler already waits out 429 Retry-After and retries 5xx. What still fails
/// comes back as an outcome for the worker to retry later; only a 404 (no such user) is final.
/// </summary>
internal sealed class TeamsSessionWriter(
    GraphAppClients clients, IOptions<GraphOptions> graph, IOptions<WriteBackOptions> options, WriteBackMetrics metrics)
{
    private readonly string _sessionId = graph.Value.ClientId.ToString("D");

    /// <summary>The <c>setPresence</c> session id: our application id.</summary>
    public string SessionId => _sessionId;

    public Task<WriteOutcome> SetAsync(OrganizationId organization, string userId, TeamsSessionPresence pair, CancellationToken cancellationToken) =>
        CallAsync("set", () => clients.For(organization).Users[userId].Presence.SetPresence.PostAsync(new SetPresencePostRequestBody
        {
            SessionId = _sessionId,
            Availability = pair.Availability.Value,
            Activity = pair.Activity.Value,
            ExpirationDuration = options.Value.SessionLifetime,
        }, cancellationToken: cancellationToken), cancellationToken);

    public Task<WriteOutcome> ClearAsync(OrganizationId organization, string userId, CancellationToken cancellationToken) =>
        CallAsync("clear", () => clients.For(organization).Users[userId].Presence.ClearPresence.PostAsync(new ClearPresencePostRequestBody
        {
            SessionId = _sessionId,
        }, cancellationToken: cancellationToken), cancellationToken);

    private async Task<WriteOutcome> CallAsync(string operation, Func<Task> call, CancellationToken cancellationToken)
    {
        WriteOutcome outcome;
        try
        {
            await call().ConfigureAwait(false);
            outcome = WriteOutcome.Success;
        }
        catch (ApiException e) when (e.ResponseStatusCode == 404)
        {
            outcome = WriteOutcome.NotFound;
        }
        catch (ApiException e)
        {
            var reason = e is ODataError { Error.Code: { Length: > 0 } code } && code.Length <= 64
                ? string.Create(CultureInfo.InvariantCulture, $"{e.ResponseStatusCode} {code}")
                : e.ResponseStatusCode.ToString(CultureInfo.InvariantCulture);
            outcome = new WriteOutcome(WriteOutcomeKind.Failed, reason);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Timeouts, connection failures, token acquisition: all transient as far as the session is concerned.
            outcome = new WriteOutcome(WriteOutcomeKind.Failed, e.GetType().Name);
        }

        metrics.Call(operation, outcome.Kind switch
        {
            WriteOutcomeKind.Success => "success",
            WriteOutcomeKind.NotFound => "not-found",
            _ => "failed",
        });
        return outcome;
    }
}
