using PresenceHub.Presence;

namespace PresenceHub.Gateway.Profiles;

/// <summary>Profiles in process memory, for the embedded demo and a single gateway; nothing survives a restart.</summary>
internal sealed class InMemoryUserDirectory : IUserDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(OrganizationId Organization, string UserId), UserProfileRecord> _profiles = [];
    private readonly Dictionary<(OrganizationId Organization, string Address), HashSet<string>> _addresses = [];

    public Task PutAsync(OrganizationId organization, UserProfileRecord profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentException.ThrowIfNullOrEmpty(profile.UserId);
        var userId = UserDirectoryAddresses.NormalizeId(profile.UserId);
        lock (_gate)
        {
            if (_profiles.TryGetValue((organization, userId), out var old))
            {
                Unindex(organization, old);
            }

            _profiles[(organization, userId)] = profile;
            foreach (var address in UserDirectoryAddresses.Of(profile))
            {
                if (!_addresses.TryGetValue((organization, address), out var users))
                {
                    _addresses[(organization, address)] = users = new HashSet<string>(StringComparer.Ordinal);
                }

                users.Add(userId);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserProfileRecord?>> GetManyAsync(
        OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var result = new UserProfileRecord?[userIds.Count];
        lock (_gate)
        {
            for (var i = 0; i < userIds.Count; i++)
            {
                result[i] = _profiles.GetValueOrDefault((organization, UserDirectoryAddresses.NormalizeId(userIds[i])));
            }
        }

        return Task.FromResult<IReadOnlyList<UserProfileRecord?>>(result);
    }

    public Task<IReadOnlyList<UserProfileRecord>> FindByAddressAsync(
        OrganizationId organization, string mailOrUserPrincipalName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailOrUserPrincipalName);
        lock (_gate)
        {
            var found = _addresses.TryGetValue((organization, UserDirectoryAddresses.Normalize(mailOrUserPrincipalName)), out var users)
                ? users.Order(StringComparer.Ordinal).Select(u => _profiles[(organization, u)]).ToList()
                : [];
            return Task.FromResult<IReadOnlyList<UserProfileRecord>>(found);
        }
    }

    public Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        lock (_gate)
        {
            if (_profiles.Remove((organization, UserDirectoryAddresses.NormalizeId(userId)), out var old))
            {
                Unindex(organization, old);
            }
        }

        return Task.CompletedTask;
    }

    private void Unindex(OrganizationId organization, UserProfileRecord profile)
    {
        foreach (var address in UserDirectoryAddresses.Of(profile))
        {
            if (_addresses.TryGetValue((organization, address), out var users) &&
                users.Remove(UserDirectoryAddresses.NormalizeId(profile.UserId)) && users.Count == 0)
            {
                _addresses.Remove((organization, address));
            }
        }
    }
}
