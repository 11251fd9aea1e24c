using System.Collections.Concurrent;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// The demo tenant's profiles in memory, for a gateway whose composition registers no user directory of its own yet
/// (profile ingest fills that one from Graph). Registered with TryAdd after the gateway's features, so the gateway's
/// directory wins as soon as it has one.
/// </summary>
internal sealed class DemoUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<(OrganizationId, string), UserProfileRecord> _profiles = new();

    public DemoUserDirectory(OrganizationId organization, IEnumerable<UserProfileRecord> profiles)
    {
        foreach (var profile in profiles)
        {
            _profiles[(organization, profile.UserId)] = profile;
        }
    }

    public Task PutAsync(OrganizationId organization, UserProfileRecord profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profiles[(organization, profile.UserId)] = profile;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserProfileRecord?>> GetManyAsync(
        OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UserProfileRecord?>>(userIds.Select(id => _profiles.GetValueOrDefault((organization, id))).ToList());

    public Task<IReadOnlyList<UserProfileRecord>> FindByAddressAsync(
        OrganizationId organization, string mailOrUserPrincipalName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UserProfileRecord>>(_profiles
            .Where(p => p.Key.Item1 == organization &&
                (string.Equals(p.Value.Mail, mailOrUserPrincipalName, StringComparison.OrdinalIgnoreCase) ||
                 string.Equals(p.Value.UserPrincipalName, mailOrUserPrincipalName, StringComparison.OrdinalIgnoreCase)))
            .Select(p => p.Value)
            .ToList());

    public Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        _profiles.TryRemove((organization, userId), out _);
        return Task.CompletedTask;
    }
}
