using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// Keeps every organization's subscriptions alive and right: presence subscriptions packed over consenting users
/// and owned by users who signed in, and one app-only <c>/users</c> subscription for profile changes, renewed well
/// before expiry with a per-subscription jitter and a cap on calls, reauthorized on request, recreated when Graph
/// lost them; and reconciliation after every gap (start, lease change, recreation) and on a schedule, of presence
/// and of consenting users' profiles (through the <see cref="ProfileRefreshQueue"/>), whose profiles are also
/// fetched as soon as they consent. Exactly one replica keeps at a time (<see cref="IKeeperLease"/>).
/// It also keeps one app-only app-installations subscription per organization, checks the users its notifications
/// name, and sweeps every signed-in user's installation on the reconciliation schedule (notifications can be lost),
/// removing those who uninstalled (<see cref="AppInstallationSweeper"/>) before packing subscriptions, so a removed
/// user is out of every subscription by the end of the same pass.
/// </summary>
internal sealed class SubscriptionKeeper : BackgroundService
{
    private readonly IConsentStore _consents;
    private readonly IGraphSubscriptionStore _store;
    private readonly SubscriptionOwnerTokens _owners;
    private readonly GraphAppClients _appClients;
    private readonly PresenceReconciler _reconciler;
    private readonly LifecycleEventQueue _lifecycle;
    private readonly ProfileRefreshQueue _profiles;
    private readonly InstallationChangeQueue _installationChanges;
    private readonly AppInstallationSweeper _installations;
    private readonly IUserRemoval _purge;
    private readonly IKeeperLease _lease;
    private readonly EncryptionCertificateStore _certificates;
    private readonly GraphIngestMetrics _metrics;
    private readonly GraphOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SubscriptionKeeper> _logger;
    private readonly SubscriptionActivity _activity;
    private readonly ReconcileRequests _reconcileRequests;
    private readonly SubscriptionVerifier _verifier;
    private readonly IOrganizationAdmission _admission;
    private readonly HashSet<OrganizationId> _notAdmittedLogged = [];
    private readonly SlidingWindowRateLimiter _calls;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly System.Threading.Channels.Channel<bool> _requests =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1)
        {
            FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite,
        });
    private readonly Dictionary<OrganizationId, DateTimeOffset> _nextReconcile = [];
    private readonly Dictionary<OrganizationId, DateTimeOffset> _nextUnpushedReconcile = [];
    private readonly Dictionary<OrganizationId, DateTimeOffset> _nextSweep = [];
    private readonly Dictionary<OrganizationId, HashSet<string>> _consenting = [];
    private bool _held;

    public SubscriptionKeeper(
        IConsentStore consents, IGraphSubscriptionStore store, SubscriptionOwnerTokens owners, GraphAppClients appClients,
        PresenceReconciler reconciler, LifecycleEventQueue lifecycle, ProfileRefreshQueue profiles, IKeeperLease lease,
        EncryptionCertificateStore certificates, GraphIngestMetrics metrics, IOptions<GraphOptions> options, TimeProvider time,
        ILogger<SubscriptionKeeper> logger, InstallationChangeQueue installationChanges, AppInstallationSweeper installations, IUserRemoval purge,
        SubscriptionActivity activity, ReconcileRequests reconcileRequests, SubscriptionVerifier verifier, IOrganizationAdmission admission)
    {
        (_verifier, _admission) = (verifier, admission);
        (_installationChanges, _installations, _purge, _activity, _reconcileRequests) = (installationChanges, installations, purge, activity, reconcileRequests);
        (_consents, _store, _owners, _appClients, _reconciler, _lifecycle, _profiles, _lease, _certificates, _metrics, _options, _time, _logger) =
            (consents, store, owners, appClients, reconciler, lifecycle, profiles, lease, certificates, metrics, options.Value, time, logger);
        _calls = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = _options.SubscriptionCallsPer20Seconds,
            Window = TimeSpan.FromSeconds(20),
            SegmentsPerWindow = 4,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Subscription calls made so far, for the admin console and tests.</summary>
    public long CallCount => Interlocked.Read(ref _callCount);

    private long _callCount;

    /// <summary>Asks for a pass soon, for instance after a consent changed.</summary>
    public void RequestPass() => _requests.Writer.TryWrite(true);

    /// <summary>One keeping pass over every organization. Passes never overlap.</summary>
    public async Task RunPassAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Conflicts are settled by whichever replica received them: reading Graph needs no lease.
            await ReconcileRequestedAsync(cancellationToken).ConfigureAwait(false);
            if (!await _lease.TryHoldAsync(_options.KeeperInterval * 3, cancellationToken).ConfigureAwait(false))
            {
                _held = false;
                // Installation checks belong to the replica that keeps; its sweep covers what this one received.
                while (_installationChanges.Reader.TryRead(out _))
                {
                }

                return;
            }

            if (!_held)
            {
                // A new keeper cannot know what was missed while nobody kept: reconcile every organization now.
                _held = true;
                _nextReconcile.Clear();
                _nextUnpushedReconcile.Clear();
                _nextSweep.Clear();
                _consenting.Clear();
            }

            while (_lifecycle.Reader.TryRead(out var notification))
            {
                await HandleLifecycleAsync(notification, cancellationToken).ConfigureAwait(false);
            }

            await CheckInstallationChangesAsync(cancellationToken).ConfigureAwait(false);

            foreach (var organization in await _consents.OrganizationsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_admission.IsAdmitted(organization))
                {
                    // Consents kept from before the operator stopped serving it: nothing is subscribed for it.
                    if (_notAdmittedLogged.Add(organization))
                    {
                        GraphIngestLog.OrganizationNotAdmitted(_logger, organization.ToString());
                    }

                    continue;
                }

                try
                {
                    await VerifyAsync(organization, cancellationToken).ConfigureAwait(false);
                    await KeepAsync(organization, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    GraphIngestLog.SubscriptionPassFailed(_logger, organization.ToString(), ex);
                }
            }

            await _purge.CompletePendingAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    public override void Dispose()
    {
        _calls.Dispose();
        _pass.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis or Graph unreachable for a whole pass: the next pass tries again; the host keeps running.
                GraphIngestLog.KeeperPassFailed(_logger, ex);
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var interval = Task.Delay(_options.KeeperInterval, _time, wake.Token);
            var lifecycle = _lifecycle.Reader.WaitToReadAsync(wake.Token).AsTask();
            var requested = _requests.Reader.WaitToReadAsync(wake.Token).AsTask();
            var installations = _installationChanges.Reader.WaitToReadAsync(wake.Token).AsTask();
            var conflicts = _reconcileRequests.Reader.WaitToReadAsync(wake.Token).AsTask();
            await Task.WhenAny(interval, lifecycle, requested, installations, conflicts).ConfigureAwait(false);
            _requests.Reader.TryRead(out _);
            await wake.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task KeepAsync(OrganizationId organization, CancellationToken cancellationToken, bool replanning = false)
    {
        var existing = await _store.ListAsync(organization, cancellationToken).ConfigureAwait(false);
        var installationsGap = await KeepAppOnlySubscriptionAsync(organization, existing, GraphSubscriptionKind.AppInstallations, cancellationToken)
            .ConfigureAwait(false);
        if (installationsGap || !_nextSweep.TryGetValue(organization, out var sweepAt) || _time.GetUtcNow() >= sweepAt)
        {
            // Before packing: whoever uninstalled is out of this very pass's subscriptions.
            if (await _installations.SweepAsync(organization, cancellationToken).ConfigureAwait(false) > 0)
            {
                existing = await _store.ListAsync(organization, cancellationToken).ConfigureAwait(false);
            }

            _nextSweep[organization] = _time.GetUtcNow() + _options.ReconcileInterval;
        }

        var consents = await _consents.ListAsync(organization, cancellationToken).ConfigureAwait(false);
        var sessions = consents.Where(c => c.CanOwnSubscriptions).OrderBy(c => c.GrantedAt)
            .ToDictionary(c => c.UserId, c => c.OwnerSessionKey!, StringComparer.OrdinalIgnoreCase);
        var plan = PresenceSubscriptionPlanner.Plan(consents.Select(c => c.UserId).ToList(), [.. sessions.Keys], existing);

        var gap = false;
        foreach (var subscription in plan.Delete)
        {
            await DeleteAsync(subscription, sessions, cancellationToken).ConfigureAwait(false);
            gap = true;
        }

        foreach (var (owner, users) in plan.Create)
        {
            await CreatePresenceAsync(organization, owner, sessions[owner], users, cancellationToken).ConfigureAwait(false);
            gap = true;
        }

        var lost = false;
        foreach (var subscription in plan.Keep.Where(IsDue))
        {
            lost |= !await RenewAsync(subscription, sessions, cancellationToken).ConfigureAwait(false);
        }

        if (lost && !replanning)
        {
            // Graph lost some subscriptions: plan again now so their users are covered before reconciling.
            _nextReconcile.Remove(organization);
            await KeepAsync(organization, cancellationToken, replanning: true).ConfigureAwait(false);
            return;
        }

        if (plan.Uncovered.Count > 0 && !_nextUnpushedReconcile.ContainsKey(organization))
        {
            GraphIngestLog.UsersWithoutOwner(_logger, plan.Uncovered.Count, organization.ToString());
        }

        var profileGap = await KeepAppOnlySubscriptionAsync(organization, existing, GraphSubscriptionKind.Users, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var reconcile = gap || !_nextReconcile.TryGetValue(organization, out var next) || now >= next;
        RequestProfiles(organization, consents, everyone: reconcile || profileGap);
        if (reconcile)
        {
            // Every consenting user, pushed or not: polling is app-only and needs no subscription owner.
            await _reconciler.ReconcileAsync(organization, [.. consents.Select(c => c.UserId)], cancellationToken).ConfigureAwait(false);
            _nextReconcile[organization] = now + _options.ReconcileInterval;
            ScheduleUnpushed(organization, plan.Uncovered, now);
        }
        else if (plan.Uncovered.Count > 0 && (!_nextUnpushedReconcile.TryGetValue(organization, out var unpushedAt) || now >= unpushedAt))
        {
            // Users no subscription covers have no push: polling is their only source of changes, so it runs more often.
            await _reconciler.ReconcileAsync(organization, plan.Uncovered, cancellationToken).ConfigureAwait(false);
            ScheduleUnpushed(organization, plan.Uncovered, now);
        }
        else if (plan.Uncovered.Count == 0)
        {
            _nextUnpushedReconcile.Remove(organization);
        }
    }

    private void ScheduleUnpushed(OrganizationId organization, IReadOnlyList<string> uncovered, DateTimeOffset now)
    {
        if (uncovered.Count > 0)
        {
            _nextUnpushedReconcile[organization] = now + _options.UnpushedReconcileInterval;
        }
        else
        {
            _nextUnpushedReconcile.Remove(organization);
        }
    }

    /// <summary>
    /// Checks the organization's subscriptions at Graph between renewals (<see cref="SubscriptionVerifier"/>), through
    /// the cap on subscription calls. Those Graph lost silently lose their records, as a renewal's 404 drops them, so
    /// <see cref="KeepAsync"/> plans again right after and reconciles the gap.
    /// </summary>
    private async Task VerifyAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var existing = await _store.ListAsync(organization, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, string>? sessions = null;
        var lost = await _verifier.VerifyAsync(organization, existing, async (subscription, token) =>
        {
            sessions ??= await SessionsAsync(organization, token).ConfigureAwait(false);
            var client = ClientFor(subscription, sessions);
            return await CallAsync("check", () => client.Subscriptions[subscription.Id].GetAsync(cancellationToken: token)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (lost > 0)
        {
            _nextReconcile.Remove(organization);
        }
    }

    /// <summary>
    /// Queues profile refreshes: of every consenting user (on the reconciliation schedule and after a gap), else of
    /// those who consented since the last pass; and of those who stopped consenting, so their profiles are dropped.
    /// </summary>
    private void RequestProfiles(OrganizationId organization, IReadOnlyList<Privacy.Consent> consents, bool everyone)
    {
        var now = consents.Select(c => c.UserId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var before = _consenting.GetValueOrDefault(organization) ?? new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        _profiles.Request(organization, everyone ? now : now.Where(u => !before.Contains(u)));
        _profiles.Request(organization, before.Where(u => !now.Contains(u)));
        _consenting[organization] = now;
    }

    /// <summary>Reads from Graph the users whose notifications conflicted with their last-known state.</summary>
    private async Task ReconcileRequestedAsync(CancellationToken cancellationToken)
    {
        foreach (var (organization, users) in _reconcileRequests.Drain())
        {
            try
            {
                await _reconciler.ReconcileAsync(organization, users, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The scheduled reconciliation reads these users again.
                GraphIngestLog.SubscriptionPassFailed(_logger, organization.ToString(), ex);
            }
        }
    }

    /// <summary>
    /// Checks the users installation notifications named since the last pass; those who joined by signing in and no
    /// longer have the app are removed before their organization is kept.
    /// </summary>
    private async Task CheckInstallationChangesAsync(CancellationToken cancellationToken)
    {
        var changed = new Dictionary<OrganizationId, HashSet<string>>();
        while (_installationChanges.Reader.TryRead(out var change))
        {
            if (!changed.TryGetValue(change.Organization, out var users))
            {
                changed[change.Organization] = users = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            users.Add(change.UserId);
        }

        foreach (var (organization, users) in changed)
        {
            try
            {
                await _installations.CheckAsync(organization, users, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The sweep on the reconciliation schedule checks these users again.
                GraphIngestLog.SubscriptionPassFailed(_logger, organization.ToString(), ex);
                _nextSweep.Remove(organization);
            }
        }
    }

    /// <summary>
    /// Keeps exactly one live app-only subscription of a kind (<c>/users</c> profile changes, or personal installations
    /// of the Teams app); true when it had to be created (a gap in its changes).
    /// </summary>
    private async Task<bool> KeepAppOnlySubscriptionAsync(
        OrganizationId organization, IReadOnlyList<GraphSubscription> existing, GraphSubscriptionKind kind, CancellationToken cancellationToken)
    {
        var kept = existing.Where(s => s.Kind == kind).ToList();
        var noSessions = new Dictionary<string, string>();
        foreach (var extra in kept.Skip(1))
        {
            await DeleteAsync(extra, noSessions, cancellationToken).ConfigureAwait(false);
        }

        if (kept.FirstOrDefault() is { } current && (!IsDue(current) || await RenewAsync(current, noSessions, cancellationToken).ConfigureAwait(false)))
        {
            return false;
        }

        var clientState = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var users = kind == GraphSubscriptionKind.Users;
        var request = new Subscription
        {
            ChangeType = users ? "updated,deleted" : "created,deleted",
            NotificationUrl = _options.NotificationUrl?.ToString() ?? throw new InvalidOperationException("Graph:NotificationUrl is not set."),
            LifecycleNotificationUrl = _options.LifecycleNotificationUrl?.ToString() ?? throw new InvalidOperationException("Graph:LifecycleNotificationUrl is not set."),
            Resource = users ? "/users" : $"/appCatalogs/teamsApps/{_installations.CatalogAppId}/installations?$filter=(scopeInfo/scope eq 'personal')",
            ExpirationDateTime = _time.GetUtcNow() + (users ? _options.ProfileSubscriptionLifetime : _options.PresenceSubscriptionLifetime),
            ClientState = clientState,
        };
        var client = _appClients.For(organization);
        var created = await CallAsync("create", () => client.Subscriptions.PostAsync(request, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new InvalidOperationException("Graph returned no subscription.");
        await _store.SaveAsync(new GraphSubscription(created.Id!, organization, kind, request.Resource,
            clientState, null, [], created.ExpirationDateTime ?? request.ExpirationDateTime.Value), cancellationToken).ConfigureAwait(false);
        GraphIngestLog.SubscriptionCreated(_logger, users ? "users" : "app-installations", created.Id!, organization.ToString(), 0);
        return true;
    }

    private TimeSpan Lifetime(GraphSubscription subscription) =>
        subscription.Kind == GraphSubscriptionKind.Users ? _options.ProfileSubscriptionLifetime : _options.PresenceSubscriptionLifetime;

    private bool IsDue(GraphSubscription subscription)
    {
        // Each subscription renews at its own point within the jitter window, so calls spread over time.
        var hash = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(subscription.Id)));
        var jitter = TimeSpan.FromTicks((long)(hash % (ulong)Math.Max(1, _options.RenewalJitter.Ticks)));
        return subscription.ExpiresAt - _time.GetUtcNow() <= _options.RenewBeforeExpiry + jitter;
    }

    private async Task CreatePresenceAsync(
        OrganizationId organization, string owner, string sessionKey, IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        var (certificateId, certificate) = _certificates.Current ?? throw new InvalidOperationException("No encryption certificate is configured.");
        var clientState = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var request = new Subscription
        {
            ChangeType = "updated",
            NotificationUrl = _options.NotificationUrl?.ToString() ?? throw new InvalidOperationException("Graph:NotificationUrl is not set."),
            LifecycleNotificationUrl = _options.LifecycleNotificationUrl?.ToString() ?? throw new InvalidOperationException("Graph:LifecycleNotificationUrl is not set."),
            Resource = $"/communications/presences?$filter=id in ({string.Join(",", users.Select(u => $"'{u}'"))})",
            ExpirationDateTime = _time.GetUtcNow() + _options.PresenceSubscriptionLifetime,
            ClientState = clientState,
            IncludeResourceData = true,
            EncryptionCertificate = Convert.ToBase64String(certificate.RawData),
            EncryptionCertificateId = certificateId,
        };

        var client = _appClients.Create(_owners.Credential(organization, sessionKey));
        var created = await CallAsync("create", () => client.Subscriptions.PostAsync(request, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new InvalidOperationException("Graph returned no subscription.");
        await _store.SaveAsync(new GraphSubscription(created.Id!, organization, GraphSubscriptionKind.Presence, request.Resource,
            clientState, owner, users, created.ExpirationDateTime ?? request.ExpirationDateTime.Value), cancellationToken).ConfigureAwait(false);
        GraphIngestLog.SubscriptionCreated(_logger, "presence", created.Id!, organization.ToString(), users.Count);
    }

    /// <summary>Renews a subscription; false when Graph no longer has it (its record is dropped so it is recreated).</summary>
    private async Task<bool> RenewAsync(GraphSubscription subscription, IReadOnlyDictionary<string, string> sessions, CancellationToken cancellationToken)
    {
        var client = ClientFor(subscription, sessions);
        var expiry = _time.GetUtcNow() + Lifetime(subscription);
        try
        {
            var renewed = await CallAsync("renew", () => client.Subscriptions[subscription.Id].PatchAsync(
                new Subscription { ExpirationDateTime = expiry }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var saved = subscription with { ExpiresAt = renewed?.ExpirationDateTime ?? expiry };
            await _store.SaveAsync(saved, cancellationToken).ConfigureAwait(false);
            GraphIngestLog.SubscriptionRenewed(_logger, subscription.Id, saved.ExpiresAt);
            _activity.Renewed(subscription.Id, _time.GetUtcNow());
            return true;
        }
        catch (ODataError error) when (error.ResponseStatusCode is 404 or 403 or 400)
        {
            GraphIngestLog.SubscriptionLost(_logger, subscription.Id, error.ResponseStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await _store.DeleteAsync(subscription.Organization, subscription.Id, cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    private async Task DeleteAsync(GraphSubscription subscription, IReadOnlyDictionary<string, string> sessions, CancellationToken cancellationToken)
    {
        // Without its owner's session a presence subscription cannot be deleted; it lapses within the hour and its
        // notifications are dropped as unknown once its record is gone.
        if (subscription.Kind != GraphSubscriptionKind.Presence || subscription.OwnerUserId is { } owner && sessions.ContainsKey(owner))
        {
            var client = ClientFor(subscription, sessions);
            try
            {
                await CallAsync("delete", async () =>
                {
                    await client.Subscriptions[subscription.Id].DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
            }
            catch (ODataError error) when (error.ResponseStatusCode == 404)
            {
                // Already gone.
            }
        }

        await _store.DeleteAsync(subscription.Organization, subscription.Id, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleLifecycleAsync(ChangeNotification notification, CancellationToken cancellationToken)
    {
        var subscription = notification.SubscriptionId is { } id
            ? await _store.FindAsync(id.ToString("D"), cancellationToken).ConfigureAwait(false)
            : null;
        if (subscription is null || !ChangeNotificationProcessor.ClientStateMatches(notification.ClientState, subscription.ClientState))
        {
            _metrics.Rejected("lifecycle-forged", 1);
            return;
        }

        if (!_admission.IsAdmitted(subscription.Organization)
            || (notification.TenantId is { } tenant && !_admission.IsAdmitted(new OrganizationId(tenant))))
        {
            _metrics.Rejected("organization-not-admitted", 1);
            return;
        }

        GraphIngestLog.LifecycleEvent(_logger, notification.LifecycleEvent?.ToString() ?? "none", subscription.Id);
        _activity.LifecycleEvent(subscription.Id, notification.LifecycleEvent?.ToString() ?? "none", _time.GetUtcNow());
        switch (notification.LifecycleEvent)
        {
            case LifecycleEventType.ReauthorizationRequired:
                var sessions = await SessionsAsync(subscription.Organization, cancellationToken).ConfigureAwait(false);
                try
                {
                    await CallAsync("reauthorize", async () =>
                    {
                        await ClientFor(subscription, sessions).Subscriptions[subscription.Id].Reauthorize
                            .PostAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                        return true;
                    }).ConfigureAwait(false);
                }
                catch (ODataError)
                {
                    // Reauthorizing is one way; renewing the expiry with a fresh token is the other.
                    if (!await RenewAsync(subscription, sessions, cancellationToken).ConfigureAwait(false))
                    {
                        _nextReconcile.Remove(subscription.Organization);
                    }
                }

                break;
            case LifecycleEventType.SubscriptionRemoved:
                await _store.DeleteAsync(subscription.Organization, subscription.Id, cancellationToken).ConfigureAwait(false);
                _nextReconcile.Remove(subscription.Organization);
                break;
            default:
                // missed, or an event this gateway does not know: repair by reconciliation.
                _nextReconcile.Remove(subscription.Organization);
                break;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> SessionsAsync(OrganizationId organization, CancellationToken cancellationToken) =>
        (await _consents.ListAsync(organization, cancellationToken).ConfigureAwait(false))
            .Where(c => c.CanOwnSubscriptions)
            .ToDictionary(c => c.UserId, c => c.OwnerSessionKey!, StringComparer.OrdinalIgnoreCase);

    private GraphServiceClient ClientFor(GraphSubscription subscription, IReadOnlyDictionary<string, string> sessions) =>
        subscription.Kind == GraphSubscriptionKind.Presence && subscription.OwnerUserId is { } owner && sessions.TryGetValue(owner, out var key)
            ? _appClients.Create(_owners.Credential(subscription.Organization, key))
            : _appClients.For(subscription.Organization);

    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call)
    {
        using var permit = await _calls.AcquireAsync(1).ConfigureAwait(false);
        Interlocked.Increment(ref _callCount);
        try
        {
            var result = await call().ConfigureAwait(false);
            _metrics.SubscriptionCall(operation, "ok");
            return result;
        }
        catch (ODataError error)
        {
            _metrics.SubscriptionCall(operation, error.ResponseStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw;
        }
    }
}
