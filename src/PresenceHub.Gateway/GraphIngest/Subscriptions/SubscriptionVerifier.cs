using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// Finds subscriptions Graph lost without a lifecycle notification (presence subscriptions are known to stop firing
/// silently) between renewals: the keeper's pass hands it each organization's subscriptions, and it asks Graph for
/// each one (<c>GET /subscriptions/{id}</c>) once per <see cref="GraphOptions.SubscriptionCheckInterval"/>, at a point in
/// the interval of the subscription's own (a hash of its id), so checks spread over time like renewals do. A
/// subscription Graph answers 404 for, or whose expiry at Graph has passed, loses its record at once, as a renewal's
/// 404 drops it, and the keeper plans again and reconciles the gap in the same pass.
/// A poll that corrected presence a live subscription should have delivered asks for an earlier check
/// (<see cref="RequestCheck"/>), served on the keeper's next pass.
/// </summary>
/// <remarks>
/// A subscription is first checked one interval after this replica first sees it (it was just created, renewed or
/// checked by a keeper before), so a new keeper does not check everything at once. The checks go through the keeper's
/// cap on subscription calls, so they cost one call per subscription per interval and never crowd out renewals beyond it.
/// <see cref="VerifyAsync"/> is called by one keeping pass at a time; <see cref="RequestCheck"/> from anywhere.
/// </remarks>
internal sealed class SubscriptionVerifier(
    IGraphSubscriptionStore store, IOptions<GraphOptions> options, TimeProvider time, ILogger<SubscriptionVerifier> logger)
{
    private readonly Dictionary<OrganizationId, Dictionary<string, DateTimeOffset>> _checked = [];
    private readonly ConcurrentDictionary<OrganizationId, CheckRequest> _requests = new();

    /// <summary>
    /// Asks for the organization's subscriptions to be checked on the keeper's next pass rather than at their point in
    /// the interval: those covering <paramref name="userIds"/> (the users a poll corrected), or all of them when null.
    /// </summary>
    public void RequestCheck(OrganizationId organization, IEnumerable<string>? userIds = null)
    {
        var users = userIds is null ? null : new HashSet<string>(userIds, StringComparer.OrdinalIgnoreCase);
        if (users is { Count: 0 })
        {
            return;
        }

        var request = new CheckRequest(time.GetUtcNow(), users);
        _requests.AddOrUpdate(organization, request, (_, pending) => pending.Merge(request));
    }

    /// <summary>
    /// Checks the organization's subscriptions that are due, through <paramref name="fetch"/> (a Graph call within the
    /// keeper's cap), and drops the records of those Graph lost. Returns how many were lost.
    /// </summary>
    public async Task<int> VerifyAsync(
        OrganizationId organization,
        IReadOnlyList<GraphSubscription> subscriptions,
        Func<GraphSubscription, CancellationToken, Task<Subscription?>> fetch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(fetch);
        if (!_checked.TryGetValue(organization, out var checkedAt))
        {
            _checked[organization] = checkedAt = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        }

        var now = time.GetUtcNow();
        var ids = subscriptions.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var gone in checkedAt.Keys.Where(id => !ids.Contains(id)).ToList())
        {
            checkedAt.Remove(gone);
        }

        _requests.TryGetValue(organization, out var request);
        var due = new List<GraphSubscription>();
        foreach (var subscription in subscriptions)
        {
            if (!checkedAt.TryGetValue(subscription.Id, out var last))
            {
                checkedAt[subscription.Id] = now;
            }
            else if (last < LatestPoint(subscription.Id, now) || request is not null && last <= request.At && request.Covers(subscription))
            {
                due.Add(subscription);
            }
        }

        var lost = 0;
        foreach (var subscription in due)
        {
            string? reason;
            try
            {
                var found = await fetch(subscription, cancellationToken).ConfigureAwait(false);
                reason = found?.ExpirationDateTime is { } expiry && expiry <= time.GetUtcNow() ? "expired" : null;
            }
            catch (ODataError error) when (error.ResponseStatusCode == 404)
            {
                reason = "404";
            }
            catch (ODataError error)
            {
                // Not an answer about the subscription (throttled, token refused): its renewal, or the next check, finds out.
                GraphIngestLog.SubscriptionCheckFailed(logger, subscription.Id, error.ResponseStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                reason = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Graph unreachable: the rest of this organization's checks wait for the next pass; keeping goes on.
                GraphIngestLog.SubscriptionChecksInterrupted(logger, organization.ToString(), ex);
                break;
            }

            checkedAt[subscription.Id] = now;
            if (reason is not null)
            {
                GraphIngestLog.SubscriptionLost(logger, subscription.Id, reason);
                await store.DeleteAsync(organization, subscription.Id, cancellationToken).ConfigureAwait(false);
                checkedAt.Remove(subscription.Id);
                lost++;
            }
        }

        if (request is not null)
        {
            // Served; a request made meanwhile is a different value and stays for the next pass.
            _requests.TryRemove(System.Collections.Generic.KeyValuePair.Create(organization, request));
        }

        if (due.Count > 0)
        {
            GraphIngestLog.SubscriptionsChecked(logger, due.Count, organization.ToString(), lost);
        }

        return lost;
    }

    /// <summary>The latest moment at or before <paramref name="now"/> when the subscription's check falls due.</summary>
    private DateTimeOffset LatestPoint(string subscriptionId, DateTimeOffset now)
    {
        var interval = options.Value.SubscriptionCheckInterval.Ticks;
        var hash = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(subscriptionId)));
        var offset = (long)(hash % (ulong)interval);
        var sincePoint = ((now.UtcTicks - offset) % interval + interval) % interval;
        return new DateTimeOffset(now.UtcTicks - sincePoint, TimeSpan.Zero);
    }

    /// <summary>A pending request; compared by reference, so one made while a pass served another is kept.</summary>
    private sealed class CheckRequest(DateTimeOffset at, HashSet<string>? users)
    {
        public DateTimeOffset At { get; } = at;

        /// <summary>The users whose presence subscriptions to check; null for every subscription.</summary>
        public HashSet<string>? Users { get; } = users;

        public bool Covers(GraphSubscription subscription) =>
            Users is null || subscription.Kind == GraphSubscriptionKind.Presence && subscription.UserIds.Any(Users.Contains);

        public CheckRequest Merge(CheckRequest later) => new(
            later.At > At ? later.At : At,
            Users is null || later.Users is null ? null : new HashSet<string>(Users.Concat(later.Users), StringComparer.OrdinalIgnoreCase));
    }
}
