using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// Ready when the app can get a Graph app-only token for the organizations that use it (those with a consent, at
/// most <see cref="MaxOrganizations"/>). Each organization's outcome is kept for <see cref="ResultLifetime"/> and
/// one acquisition runs at a time per organization, so probes do not hammer Entra ID; a credential per organization
/// is reused, so its own token cache answers most probes anyway. Degraded (still ready) when only some
/// organizations fail, as one tenant withdrawing consent must not take the gateway out of service for the others;
/// not ready when all fail, which means the app's credential itself is wrong or Entra ID is unreachable.
/// </summary>
internal sealed partial class GraphTokenReadinessCheck(
    GraphAppClients clients, IConsentStore consents, TimeProvider time, ILogger<GraphTokenReadinessCheck> logger) : IHealthCheck
{
    public const string Name = "graph-token";

    /// <summary>How long one organization's outcome answers probes before a new acquisition.</summary>
    public static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Most organizations checked per probe.</summary>
    public const int MaxOrganizations = 20;

    private static readonly TimeSpan AcquisitionTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<OrganizationId, Attempt> _attempts = [];
    private readonly Dictionary<OrganizationId, TokenCredential> _credentials = [];
    private readonly Lock _gate = new();
    private readonly ReadinessTransitions _transitions = new(Name, logger);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<OrganizationId> organizations;
        try
        {
            organizations = await consents.OrganizationsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store is Redis in Redis mode, whose own check reports the outage.
            return HealthCheckResult.Degraded("The organizations could not be listed; see the redis check.");
        }

        if (organizations.Count == 0)
        {
            return HealthCheckResult.Healthy("No organization has consented yet; there is no token to acquire.");
        }

        var checkedOrganizations = organizations.Take(MaxOrganizations).ToList();
        var outcomes = await Task.WhenAll(checkedOrganizations.Select(AttemptFor)).WaitAsync(cancellationToken).ConfigureAwait(false);
        var failed = outcomes.Count(ok => !ok);
        if (failed == 0)
        {
            _transitions.Ready();
            return HealthCheckResult.Healthy(Describe($"App tokens acquired for {outcomes.Length} organizations."));
        }

        if (failed < outcomes.Length)
        {
            _transitions.Ready();
            return HealthCheckResult.Degraded(Describe($"No app token for {failed} of {outcomes.Length} organizations."));
        }

        _transitions.NotReady("no organization issued an app token");
        return HealthCheckResult.Unhealthy(Describe($"No app token for any of {outcomes.Length} organizations."));
    }

    private Task<bool> AttemptFor(OrganizationId organization)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_attempts.TryGetValue(organization, out var attempt)
                && (!attempt.Outcome.IsCompleted || now - attempt.Started < ResultLifetime))
            {
                return attempt.Outcome;
            }

            if (!_credentials.TryGetValue(organization, out var credential))
            {
                credential = clients.CreateCredential(organization);
                _credentials[organization] = credential;
            }

            attempt = new Attempt(AcquireAsync(organization, credential), now);
            _attempts[organization] = attempt;
            return attempt.Outcome;
        }
    }

    /// <summary>Not tied to one probe's cancellation: concurrent probes (HTTP and gRPC) share the attempt.</summary>
    private async Task<bool> AcquireAsync(OrganizationId organization, TokenCredential credential)
    {
        using var timeout = new CancellationTokenSource(AcquisitionTimeout, time);
        try
        {
            await credential.GetTokenAsync(new TokenRequestContext(GraphAppClients.AppScopes), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            // Entra's AADSTS code says what is wrong (bad secret, no consent) without any secret or personal data.
            var code = EntraErrorCode().Match(e.Message);
            OperationsLog.TokenFailed(logger, organization.ToString(), code.Success ? code.Value : e.GetType().Name);
            return false;
        }
    }

    private static string Describe(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"AADSTS\d+", RegexOptions.CultureInvariant)]
    private static partial Regex EntraErrorCode();

    private sealed record Attempt(Task<bool> Outcome, DateTimeOffset Started);
}
