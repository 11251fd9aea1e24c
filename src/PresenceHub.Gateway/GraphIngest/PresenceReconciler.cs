using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Communications.GetPresencesByUserId;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.GraphIngest.Subscriptions;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Repairs what Graph drops silently (presence has no <c>missed</c> lifecycle event): polls the consenting users'
/// presence app-only with <c>getPresencesByUserId</c>, 650 ids a call and within the configured share of Graph's
/// 1,500 calls per 30 s, and publishes each difference from the last-known state, in any field, as a corrective
/// update that wins even over a state admitted with a version as new as Graph's, so every state converges in one pass.
/// A throttled call waits for Graph's Retry-After through the resilience handler. Presence our own write-back session
/// produced is tagged with the platform it came from.
/// </summary>
internal sealed class PresenceReconciler : IDisposable
{
    public const int MaxIdsPerCall = 650;

    private readonly GraphAppClients _clients;
    private readonly IPresenceRelay _relay;
    private readonly ShareOutPolicy _shareOut;
    private readonly PresenceVersionSource _versions;
    private readonly GraphIngestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PresenceReconciler> _logger;
    private readonly SlidingWindowRateLimiter _reads;
    private readonly WriteBackEchoTagger? _echoes;
    private readonly IMetadataLog _metadataLog;
    private readonly SubscriptionVerifier? _verifier;

    public PresenceReconciler(
        GraphAppClients clients, ShareOutPolicy shareOut, IPresenceRelay relay, PresenceVersionSource versions, GraphIngestMetrics metrics,
        IOptions<GraphOptions> options, TimeProvider time, ILogger<PresenceReconciler> logger, IMetadataLog metadataLog,
        WriteBackEchoTagger? echoes = null, SubscriptionVerifier? verifier = null)
    {
        _verifier = verifier;
        _metadataLog = metadataLog;
        _echoes = echoes;
        _clients = clients;
        _relay = relay;
        _shareOut = shareOut;
        _versions = versions;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _reads = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PresenceReadsPer30Seconds,
            Window = TimeSpan.FromSeconds(30),
            SegmentsPerWindow = 6,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Polls <paramref name="userIds"/> and publishes corrections; returns how many users' state differed.</summary>
    public async Task<int> ReconcileAsync(OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var client = _clients.For(organization);
        var corrections = 0;
        foreach (var chunk in userIds.Chunk(MaxIdsPerCall))
        {
            using var lease = await _reads.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            var response = await client.Communications.GetPresencesByUserId.PostAsGetPresencesByUserIdPostResponseAsync(
                new GetPresencesByUserIdPostRequestBody { Ids = [.. chunk] }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var polled = (response?.Value ?? [])
                .Where(p => p.Id is not null && chunk.Contains(p.Id, StringComparer.OrdinalIgnoreCase))
                .ToList();
            if (polled.Count == 0)
            {
                continue;
            }

            var known = await _relay.GetLastKnownAsync(
                organization, polled.Select(p => new PresenceSubject(Platform.Teams, p.Id!.ToLowerInvariant())).ToList(), cancellationToken).ConfigureAwait(false);
            var observedAt = _time.GetUtcNow();
            var changed = new List<PresenceUpdate>();
            for (var i = 0; i < polled.Count; i++)
            {
                var state = GraphPresenceReader.ReadState(polled[i]);
                if (known[i] is { } last && last.State == state)
                {
                    continue;
                }

                var version = _versions.For(organization, GraphPresenceReader.ReadSequence(polled[i]), observedAt, fromNotification: false);
                if (known[i] is { } stale && stale.Version >= version)
                {
                    // What was admitted is not Graph's truth, yet its version is not older than Graph's: Graph wins
                    // with the version right above it, which still sorts before Graph's next genuine update.
                    version = stale.Version.Successor();
                }

                changed.Add(new PresenceUpdate(organization, polled[i].Id!.ToLowerInvariant(), Platform.Teams, state, version, Platform.Teams, observedAt));
            }

            if (changed.Count > 0)
            {
                if (_echoes is not null)
                {
                    await _echoes.TagAsync(changed, cancellationToken).ConfigureAwait(false);
                }

                // The privacy decision: presence of users who do not share out is withheld, not corrected.
                var shared = await _shareOut.DecideAsync(changed, cancellationToken).ConfigureAwait(false);
                var outcomes = shared.Outcomes(shared.Shared.Count > 0 ? await _relay.PublishAsync(shared.Shared, cancellationToken).ConfigureAwait(false) : []);
                corrections += outcomes.Count(o => o == PublishOutcome.Accepted);
                // A change only polling found, for users a live subscription covers: Graph may have stopped delivering.
                _verifier?.RequestCheck(organization, changed.Where((_, i) => outcomes[i] == PublishOutcome.Accepted).Select(u => u.UserId));
                await _metadataLog.AppendAsync(organization, [.. changed.Where((_, i) => outcomes[i] == PublishOutcome.Accepted).Select(u =>
                    new MetadataLogEntry(observedAt, MetadataLogEntry.UserAddress(Platform.Teams.Id, u.UserId), MetadataLogEntry.Gateway,
                        MessageType.Presence, MetadataLogEntry.PresencePollSession))], cancellationToken).ConfigureAwait(false);
            }
        }

        _metrics.Corrected(corrections);
        GraphIngestLog.Reconciled(_logger, userIds.Count, organization.ToString(), corrections);
        return corrections;
    }

    public void Dispose() => _reads.Dispose();
}
