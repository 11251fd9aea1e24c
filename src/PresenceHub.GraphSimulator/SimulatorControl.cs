using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.GraphSimulator.Notifications;
using PresenceHub.GraphSimulator.Presence;
using PresenceHub.GraphSimulator.Subscriptions;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator;

/// <summary>
/// The simulator's control surface: the registry of tenants, apps and users, token minting for tests, "the user
/// changes presence in Teams", the clock, fault knobs, lifecycle events on demand, statistics and the presence
/// generator. The same operations are served over HTTP under <c>/_simulator</c>.
/// </summary>
public sealed class SimulatorControl
{
    private readonly SimulatorDirectory _directory;
    private readonly PresenceStore _presence;
    private readonly TokenIssuer _tokens;
    private readonly SimulatorClock _clock;
    private readonly SimulatorFaults _faults;
    private readonly SimulatorCounters _counters;
    private readonly SubscriptionStore _subscriptions;
    private readonly LifecycleNotifier _lifecycle;
    private readonly PresenceGenerator _generator;

    internal SimulatorControl(
        SimulatorDirectory directory,
        PresenceStore presence,
        TokenIssuer tokens,
        SimulatorClock clock,
        SimulatorFaults faults,
        SimulatorCounters counters,
        SubscriptionStore subscriptions,
        LifecycleNotifier lifecycle,
        PresenceGenerator generator)
    {
        _directory = directory;
        _presence = presence;
        _tokens = tokens;
        _clock = clock;
        _faults = faults;
        _counters = counters;
        _subscriptions = subscriptions;
        _lifecycle = lifecycle;
        _generator = generator;
    }

    /// <summary>The simulator clock (real time plus advances, or frozen when so configured).</summary>
    public TimeProvider Clock => _clock;

    /// <summary>Current simulator time.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Moves the simulator clock forward; due expiries, idle fades, retries and lifecycle notices then run.</summary>
    public void AdvanceClock(TimeSpan delta) => _clock.Advance(delta);

    /// <summary>Registers a tenant (and the apps and users it lists). Returns the tenant id.</summary>
    public string AddTenant(SimulatedTenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return _directory.AddTenant(tenant).Id;
    }

    /// <summary>Registers an app in a tenant. Returns its client id.</summary>
    public string AddApp(string tenantId, SimulatedApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return _directory.AddApp(tenantId, app).ClientId;
    }

    /// <summary>Adds a user, or updates it when the id exists (a users-resource <c>created</c>/<c>updated</c> notification). Returns the user id.</summary>
    public string AddUser(string tenantId, SimulatedUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _directory.AddUser(tenantId, user).Id;
    }

    /// <summary>Creates <paramref name="count"/> users quickly (names <c>{prefix}000001@domain</c>...). Returns their ids.</summary>
    public IReadOnlyList<string> CreateUsers(string tenantId, int count, string prefix = "simuser") =>
        _directory.CreateUsers(tenantId, count, prefix).Select(u => u.Id).ToList();

    /// <summary>
    /// Changes a user's profile as an administrator would in Entra ID (a users-resource <c>updated</c> notification).
    /// Fields left null keep their value.
    /// </summary>
    public void UpdateUser(string userId, string? displayName = null, string? mail = null, string? userPrincipalName = null, string? jobTitle = null)
    {
        var user = RequireUser(userId);
        _directory.AddUser(user.TenantId, new SimulatedUser
        {
            Id = user.Id,
            DisplayName = displayName ?? user.DisplayName,
            Mail = mail ?? user.Mail,
            UserPrincipalName = userPrincipalName ?? user.UserPrincipalName,
            JobTitle = jobTitle ?? user.JobTitle,
        });
    }

    /// <summary>Deletes a user (a users-resource <c>deleted</c> notification).</summary>
    public bool DeleteUser(string userId) => _directory.DeleteUser(userId);

    /// <summary>Adds a Teams app to the tenant's catalog (shown by <c>installedApps?$expand=teamsApp</c>).</summary>
    public void AddTeamsApp(string tenantId, string teamsAppId, string displayName, string? externalId = null) =>
        _directory.AddTeamsApp(tenantId, teamsAppId, externalId, displayName);

    /// <summary>The user installs the Teams app in personal scope. Returns the installation id.</summary>
    public string InstallApp(string userId, string teamsAppId) => _directory.InstallApp(userId, teamsAppId).Id;

    /// <summary>The user uninstalls the Teams app.</summary>
    public bool UninstallApp(string userId, string teamsAppId) => _directory.UninstallApp(userId, teamsAppId);

    /// <summary>
    /// Mints the token Teams would give our app for SSO: v2, <c>aud</c> = <paramref name="clientId"/>,
    /// <c>scp=access_as_user</c>, issuer <c>{authority}/{tenant}/v2.0</c>. Exchange it on-behalf-of at the token endpoint.
    /// </summary>
    public string MintTeamsSsoToken(string tenantId, string userId, string clientId, TimeSpan? lifetime = null)
    {
        var (app, user) = Resolve(tenantId, userId, clientId);
        return _tokens.TeamsSsoToken(app, user, lifetime);
    }

    /// <summary>
    /// Assigns one of the app's own roles (e.g. <c>PresenceHub.Admin</c>) to a user, as an administrator would under
    /// Enterprise applications; tokens for the app's API then carry it in <c>roles</c>.
    /// </summary>
    public void AssignAppRole(string tenantId, string userId, string clientId, string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        var (app, user) = Resolve(tenantId, userId, clientId);
        _directory.AssignAppRole(app, user, role);
    }

    /// <summary>Mints a delegated Graph token directly (skipping OAuth); empty scopes means the app's consented delegated permissions.</summary>
    public string MintUserGraphToken(string tenantId, string userId, string clientId, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var (app, user) = Resolve(tenantId, userId, clientId);
        return _tokens.UserToken(app, user, GraphConstants.GraphResource, scopes.Length > 0 ? scopes : app.DelegatedPermissions.Order(StringComparer.Ordinal));
    }

    /// <summary>Mints an app-only Graph token directly (skipping OAuth), with the app's granted application permissions as roles.</summary>
    public string MintAppGraphToken(string tenantId, string clientId)
    {
        var tenant = _directory.RequireTenant(tenantId);
        var app = _directory.FindApp(tenant.Id, clientId) ?? throw new ArgumentException($"Unknown app {clientId}.", nameof(clientId));
        return _tokens.AppToken(app, GraphConstants.GraphResource, "1");
    }

    /// <summary>The user changes presence in the Teams client (any Graph availability/activity pair, case-insensitive).</summary>
    public void SetUserPresence(string userId, string availability, string activity) =>
        SetUserPresences([(userId, availability, activity)]);

    /// <summary>Several users change presence at once; their notifications leave in one batch per notification URL.</summary>
    public void SetUserPresences(IEnumerable<(string UserId, string Availability, string Activity)> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var resolved = changes.Select(c =>
        {
            var user = RequireUser(c.UserId);
            var availability = PresenceRules.Canonical(PresenceRules.Availabilities, c.Availability) ?? throw new ArgumentException($"Unknown availability '{c.Availability}'.", nameof(changes));
            var activity = PresenceRules.Canonical(PresenceRules.Activities, c.Activity) ?? throw new ArgumentException($"Unknown activity '{c.Activity}'.", nameof(changes));
            return (user.Id, user.TenantId, availability, activity);
        }).ToList();
        _presence.SetUserStates(resolved);
    }

    /// <summary>The user sets (or, with null, clears) a status message in Teams.</summary>
    public void SetStatusMessage(string userId, string? message, DateTimeOffset? expiry = null)
    {
        var user = RequireUser(userId);
        _presence.SetStatusMessage(user.Id, user.TenantId, string.IsNullOrEmpty(message) ? null : new StatusMessage(message, "text", expiry, _clock.GetUtcNow()));
    }

    /// <summary>The user turns automatic replies (out of office) on or off.</summary>
    public void SetOutOfOffice(string userId, bool isOutOfOffice, string? message = null)
    {
        var user = RequireUser(userId);
        _presence.SetOutOfOffice(user.Id, user.TenantId, isOutOfOffice, message);
    }

    /// <summary>The user's presence as Graph reports it now.</summary>
    public PresenceSnapshot GetPresence(string userId)
    {
        var user = RequireUser(userId);
        _presence.Recompute(user.Id);
        var s = _presence.Get(user.Id, user.TenantId);
        return new PresenceSnapshot(s.UserId, s.Availability, s.Activity, s.StatusMessage?.Content, s.IsOutOfOffice, s.SequenceNumber);
    }

    /// <summary>Current fault settings (counters show what remains).</summary>
    public FaultSettings Faults => _faults.Current;

    /// <summary>Replaces the fault settings; also restarts the every-Nth-call counter.</summary>
    public void SetFaults(FaultSettings settings) => _faults.Set(settings);

    /// <summary>Changes some fault settings: <c>ConfigureFaults(f => f with { DropNext = 3 })</c>.</summary>
    public void ConfigureFaults(Func<FaultSettings, FaultSettings> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _faults.Set(change(_faults.Current));
    }

    /// <summary>Live subscriptions.</summary>
    public IReadOnlyList<SubscriptionInfo> GetSubscriptions() =>
        _subscriptions.Live().Select(s => new SubscriptionInfo(s.Id, s.Resource, s.TenantId, s.ApplicationId, s.CreatorId, s.NotificationUrl, s.LifecycleNotificationUrl, s.Expiration, s.IncludeResourceData)).ToList();

    /// <summary>Sends <c>reauthorizationRequired</c> to the subscription's lifecycle URL now; false when it has none or is gone.</summary>
    public bool SendReauthorizationRequired(string subscriptionId) =>
        _subscriptions.FindLive(subscriptionId) is { } s && _lifecycle.Send(s, "reauthorizationRequired");

    /// <summary>
    /// Graph drops the subscription without telling anyone: no lifecycle notification, no more deliveries, and
    /// <c>GET /subscriptions/{id}</c> answers 404 (as users report of presence subscriptions that stopped firing).
    /// False when it is already gone.
    /// </summary>
    public bool DeleteSubscriptionSilently(string subscriptionId) =>
        _subscriptions.FindLive(subscriptionId) is not null && _subscriptions.Delete(subscriptionId);

    /// <summary>
    /// The subscription expires now, before the expiry it was given, without a lifecycle notification: deliveries stop
    /// and Graph treats it as expired (gone). False when it is already gone.
    /// </summary>
    public bool ExpireSubscriptionEarly(string subscriptionId) => _subscriptions.ExpireNow(subscriptionId);

    /// <summary>Delivery and call counters since start.</summary>
    public DeliveryStatistics Statistics => _counters.Snapshot();

    /// <summary>Starts the presence generator (one at a time).</summary>
    public void StartPresenceGenerator(PresenceGeneratorSettings settings) => _generator.Start(settings);

    /// <summary>Stops the presence generator.</summary>
    public Task StopPresenceGeneratorAsync() => _generator.StopAsync();

    /// <summary>Presence changes the generator has made since start.</summary>
    public long GeneratedChanges => _generator.Changes;

    private UserRecord RequireUser(string userId) =>
        _directory.FindUser(userId) ?? throw new ArgumentException($"Unknown user {userId}.", nameof(userId));

    private (AppRecord App, UserRecord User) Resolve(string tenantId, string userId, string clientId)
    {
        var tenant = _directory.RequireTenant(tenantId);
        var app = _directory.FindApp(tenant.Id, clientId) ?? throw new ArgumentException($"Unknown app {clientId}.", nameof(clientId));
        var user = RequireUser(userId);
        if (user.TenantId != tenant.Id)
        {
            throw new ArgumentException($"User {userId} is not in tenant {tenantId}.", nameof(userId));
        }

        return (app, user);
    }
}
