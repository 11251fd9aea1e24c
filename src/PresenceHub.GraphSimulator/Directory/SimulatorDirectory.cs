using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.GraphSimulator.Directory;

/// <summary>The registry of tenants, app registrations, users, Teams apps and their personal installations.</summary>
internal sealed class SimulatorDirectory
{
    private static readonly string[] DefaultDelegated =
        ["Presence.Read.All", "Presence.ReadWrite", "User.Read", "User.ReadBasic.All"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TenantRecord> _tenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Tenant, string Client), AppRecord> _apps = [];
    private readonly Dictionary<string, UserRecord> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<UserRecord> _userOrder = [];
    private readonly Dictionary<(string Tenant, string App), TeamsAppRecord> _teamsApps = [];
    private readonly Dictionary<string, InstallationRecord> _installations = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Client, string User), SortedSet<string>> _appRoles = [];

    /// <summary>Raised after a user or an installation was created, updated or deleted.</summary>
    public event Action<DirectoryChange>? Changed;

    public TenantRecord AddTenant(SimulatedTenant tenant)
    {
        var id = string.IsNullOrWhiteSpace(tenant.Id) ? Guid.NewGuid().ToString() : RequireGuid(tenant.Id, "tenant id");
        var domain = string.IsNullOrWhiteSpace(tenant.Domain) ? $"tenant{id[..8]}.onmicrosoft.com" : tenant.Domain;
        var record = new TenantRecord(id, domain);
        lock (_gate)
        {
            _tenants[id] = record;
        }

        foreach (var app in tenant.Apps)
        {
            AddApp(id, app);
        }

        foreach (var user in tenant.Users)
        {
            AddUser(id, user);
        }

        return record;
    }

    public AppRecord AddApp(string tenantId, SimulatedApp app)
    {
        var tenant = RequireTenant(tenantId);
        var clientId = string.IsNullOrWhiteSpace(app.ClientId) ? Guid.NewGuid().ToString() : RequireGuid(app.ClientId, "client id");
        X509Certificate2? certificate = null;
        if (!string.IsNullOrWhiteSpace(app.CertificateBase64))
        {
            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(app.CertificateBase64));
        }

        var record = new AppRecord(
            tenant.Id,
            clientId,
            app.DisplayName,
            app.ClientSecret,
            certificate,
            string.IsNullOrWhiteSpace(app.IdentifierUri) ? $"api://{clientId}" : app.IdentifierUri,
            new HashSet<string>(app.ApplicationPermissions, StringComparer.OrdinalIgnoreCase),
            new HashSet<string>(app.DelegatedPermissions.Count == 0 ? DefaultDelegated : app.DelegatedPermissions, StringComparer.OrdinalIgnoreCase),
            Guid.NewGuid().ToString());
        lock (_gate)
        {
            _apps[(tenant.Id, clientId)] = record;
        }

        return record;
    }

    public UserRecord AddUser(string tenantId, SimulatedUser user)
    {
        var tenant = RequireTenant(tenantId);
        var id = string.IsNullOrWhiteSpace(user.Id) ? Guid.NewGuid().ToString() : RequireGuid(user.Id, "user id");
        var upn = string.IsNullOrWhiteSpace(user.UserPrincipalName) ? $"{id[..8]}@{tenant.Domain}" : user.UserPrincipalName;
        var record = new UserRecord(
            tenant.Id,
            id,
            string.IsNullOrWhiteSpace(user.DisplayName) ? upn : user.DisplayName,
            user.Mail,
            upn,
            user.JobTitle);
        bool existed;
        lock (_gate)
        {
            existed = _users.TryGetValue(id, out var old);
            if (existed && !string.Equals(old!.TenantId, tenant.Id, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"User {id} already exists in another tenant.", nameof(user));
            }

            if (existed)
            {
                _userOrder[_userOrder.IndexOf(old!)] = record;
            }
            else
            {
                _userOrder.Add(record);
            }

            _users[id] = record;
        }

        Changed?.Invoke(new DirectoryChange(tenant.Id, existed ? "updated" : "created", record, null));
        return record;
    }

    public IReadOnlyList<UserRecord> CreateUsers(string tenantId, int count, string prefix)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var tenant = RequireTenant(tenantId);
        var created = new List<UserRecord>(count);
        int start;
        lock (_gate)
        {
            start = _userOrder.Count;
        }

        for (var i = 0; i < count; i++)
        {
            var n = (start + i + 1).ToString("D6", CultureInfo.InvariantCulture);
            created.Add(AddUser(tenant.Id, new SimulatedUser
            {
                DisplayName = $"Simulated User {n}",
                UserPrincipalName = $"{prefix}{n}@{tenant.Domain}",
                Mail = $"{prefix}{n}@{tenant.Domain}",
                JobTitle = "Simulated",
            }));
        }

        return created;
    }

    public bool DeleteUser(string userId)
    {
        UserRecord? removed;
        lock (_gate)
        {
            if (!_users.Remove(userId, out removed))
            {
                return false;
            }

            _userOrder.Remove(removed);
        }

        Changed?.Invoke(new DirectoryChange(removed.TenantId, "deleted", removed, null));
        return true;
    }

    public TeamsAppRecord AddTeamsApp(string tenantId, string teamsAppId, string? externalId, string displayName)
    {
        var tenant = RequireTenant(tenantId);
        var record = new TeamsAppRecord(tenant.Id, teamsAppId, externalId, displayName);
        lock (_gate)
        {
            _teamsApps[(tenant.Id, teamsAppId)] = record;
        }

        return record;
    }

    public InstallationRecord InstallApp(string userId, string teamsAppId)
    {
        var user = FindUser(userId) ?? throw new ArgumentException($"Unknown user {userId}.", nameof(userId));
        InstallationRecord record;
        lock (_gate)
        {
            var existing = _installations.Values.FirstOrDefault(i => i.UserId == user.Id && i.TeamsAppId == teamsAppId);
            if (existing is not null)
            {
                return existing;
            }

            var id = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('/', '_').Replace('+', '-');
            record = new InstallationRecord(id, user.TenantId, user.Id, teamsAppId);
            _installations[id] = record;
        }

        Changed?.Invoke(new DirectoryChange(user.TenantId, "created", null, record));
        return record;
    }

    public bool UninstallApp(string userId, string teamsAppId)
    {
        InstallationRecord? record;
        lock (_gate)
        {
            record = _installations.Values.FirstOrDefault(i => i.UserId == userId && i.TeamsAppId == teamsAppId);
            if (record is null)
            {
                return false;
            }

            _installations.Remove(record.Id);
        }

        Changed?.Invoke(new DirectoryChange(record.TenantId, "deleted", null, record));
        return true;
    }

    public TenantRecord? FindTenant(string idOrDomain)
    {
        lock (_gate)
        {
            if (_tenants.TryGetValue(idOrDomain, out var t))
            {
                return t;
            }

            return _tenants.Values.FirstOrDefault(x => string.Equals(x.Domain, idOrDomain, StringComparison.OrdinalIgnoreCase));
        }
    }

    public AppRecord? FindApp(string tenantId, string clientId)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault((tenantId, clientId));
        }
    }

    /// <summary>Finds an app of the tenant whose client id or identifier URI equals the audience.</summary>
    public AppRecord? FindAppByAudience(string tenantId, string audience)
    {
        lock (_gate)
        {
            return _apps.Values.FirstOrDefault(a =>
                string.Equals(a.TenantId, tenantId, StringComparison.OrdinalIgnoreCase)
                && (string.Equals(a.ClientId, audience, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(a.IdentifierUri, audience, StringComparison.Ordinal)));
        }
    }

    public UserRecord? FindUser(string idOrUpn)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(idOrUpn, out var u))
            {
                return u;
            }

            return _userOrder.FirstOrDefault(x => string.Equals(x.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase));
        }
    }

    public IReadOnlyList<UserRecord> ListUsers(string tenantId)
    {
        lock (_gate)
        {
            return _userOrder.Where(u => string.Equals(u.TenantId, tenantId, StringComparison.OrdinalIgnoreCase)).ToList();
        }
    }

    public IReadOnlyList<(InstallationRecord Installation, TeamsAppRecord App)> ListInstallations(string userId)
    {
        lock (_gate)
        {
            return _installations.Values
                .Where(i => i.UserId == userId)
                .Select(i => (i, _teamsApps.GetValueOrDefault((i.TenantId, i.TeamsAppId)) ?? new TeamsAppRecord(i.TenantId, i.TeamsAppId, null, i.TeamsAppId)))
                .ToList();
        }
    }

    /// <summary>Assigns one of an app's roles to a user (an app role assignment of the app's service principal).</summary>
    public void AssignAppRole(AppRecord app, UserRecord user, string role)
    {
        lock (_gate)
        {
            var key = (app.ClientId.ToLowerInvariant(), user.Id.ToLowerInvariant());
            if (!_appRoles.TryGetValue(key, out var roles))
            {
                _appRoles[key] = roles = new SortedSet<string>(StringComparer.Ordinal);
            }

            roles.Add(role);
        }
    }

    /// <summary>The app roles a user is assigned on an app; empty for none.</summary>
    public IReadOnlyList<string> AppRolesOf(AppRecord app, UserRecord user)
    {
        lock (_gate)
        {
            return _appRoles.TryGetValue((app.ClientId.ToLowerInvariant(), user.Id.ToLowerInvariant()), out var roles) ? roles.ToList() : [];
        }
    }

    public TenantRecord RequireTenant(string idOrDomain) =>
        FindTenant(idOrDomain) ?? throw new ArgumentException($"Unknown tenant {idOrDomain}.", nameof(idOrDomain));

    private static string RequireGuid(string value, string what) =>
        Guid.TryParse(value, out var g) ? g.ToString() : throw new ArgumentException($"The {what} '{value}' is not a GUID.", nameof(value));
}
