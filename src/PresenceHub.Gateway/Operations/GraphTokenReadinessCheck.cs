using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// Ready when the app can get a Graph app-only token for the organizations that use it (those with a consent, at
/// most <see cref="MaxOrganizations"/>) and Entra ID and Graph answer. Each organization's outcome is kept for
/// <see cref="ResultLifetime"/> and one attempt runs at a time per organization, so probes do not hammer Entra ID; a
/// credential per organization is reused, so its own token cache answers most probes anyway. Because that cache also
/// hides an Entra ID outage, each attempt also asks <see cref="GraphReachability"/> whether the token endpoint and
/// Graph answer; an organization that has not reached them for <see cref="OperationsOptions.GraphUnreachableAfter"/>
/// fails even with a cached token. Degraded (still ready) when only some organizations fail, as one tenant
/// withdrawing consent must not take the gateway out of service for the others; not ready when all fail, which
/// means the app's credential itself is wrong or Entra ID or Graph is unreachable.
/// </summary>
internal sealed partial class GraphTokenReadinessCheck(
    GraphAppClients clients,
    GraphReachability reachability,
    IConsentStore consents,
    IOptions<OperationsOptions> options,
    TimeProvider time,
    ILogger<GraphTokenReadinessCheck> logger) : IHealthCheck
{
    public const string Name = "graph-token";

    /// <summary>How long one organization's outcome answers probes before a new acquisition.</summary>
    public static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Most organizations checked per probe.</summary>
    public const int MaxOrganizations = 20;

    private static readonly TimeSpan AcquisitionTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<OrganizationId, Attempt> _attempts = [];
    private readonly Dictionary<OrganizationId, TokenCredential> _credentials = [];
    private readonly Dictionary<OrganizationId, DateTimeOffset> _lastReached = [];
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
        var failed = outcomes.Count(outcome => outcome != AttemptOutcome.Ready);
        if (failed == 0)
        {
            _transitions.Ready();
            return HealthCheckResult.Healthy(Describe($"App tokens acquired for {outcomes.Length} organizations."));
        }

        var unreachable = outcomes.Count(outcome => outcome == AttemptOutcome.Unreachable);
        if (failed < outcomes.Length)
        {
            _transitions.Ready();
            return HealthCheckResult.Degraded(unreachable == failed
                ? Describe($"Entra ID or Graph unreachable for {failed} of {outcomes.Length} organizations.")
                : Describe($"No app token for {failed} of {outcomes.Length} organizations."));
        }

        if (unreachable == failed)
        {
            _transitions.NotReady("Entra ID or Graph unreachable");
            return HealthCheckResult.Unhealthy(Describe(
                $"Entra ID or Graph has not answered for {options.Value.GraphUnreachableAfter} for any of {outcomes.Length} organizations."));
        }

        _transitions.NotReady("no organization issued an app token");
        return HealthCheckResult.Unhealthy(Describe($"No app token for any of {outcomes.Length} organizations."));
    }

    private Task<AttemptOutcome> AttemptFor(OrganizationId organization)
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

            // An organization first seen now has its bound counted from now.
            _lastReached.TryAdd(organization, now);
            attempt = new Attempt(AcquireAsync(organization, credential, now), now);
            _attempts[organization] = attempt;
            return attempt.Outcome;
        }
    }

    /// <summary>Not tied to one probe's cancellation: concurrent probes (HTTP and gRPC) share the attempt.</summary>
    private async Task<AttemptOutcome> AcquireAsync(OrganizationId organization, TokenCredential credential, DateTimeOffset now)
    {
        using var timeout = new CancellationTokenSource(AcquisitionTimeout, time);
        var acquired = AcquireTokenAsync(organization, credential, timeout.Token);
        var unreachable = await reachability.UnreachableAsync(organization, timeout.Token).ConfigureAwait(false);
        if (!await acquired.ConfigureAwait(false))
        {
            return AttemptOutcome.NoToken;
        }

        DateTimeOffset lastReached;
        lock (_gate)
        {
            if (unreachable is null)
            {
                _lastReached[organization] = now;
            }

            lastReached = _lastReached[organization];
        }

        if (unreachable is null)
        {
            return AttemptOutcome.Ready;
        }

        // A blip shorter than the bound leaves the gateway ready on its cached token.
        var unreachableFor = now - lastReached;
        OperationsLog.Unreachable(logger, organization.ToString(), unreachable, unreachableFor);
        return unreachableFor >= options.Value.GraphUnreachableAfter ? AttemptOutcome.Unreachable : AttemptOutcome.Ready;
    }

    private async Task<bool> AcquireTokenAsync(OrganizationId organization, TokenCredential credential, CancellationToken cancellationToken)
    {
        try
        {
            await credential.GetTokenAsync(new TokenRequestContext(GraphAppClients.AppScopes), cancellationToken).ConfigureAwait(false);
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

    private enum AttemptOutcome
    {
        Ready,
        NoToken,
        Unreachable,
    }

    private sealed record Attempt(Task<AttemptOutcome> Outcome, DateTimeOffset Started);
}
