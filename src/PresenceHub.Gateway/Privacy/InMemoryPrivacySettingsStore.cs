using System.Collections.Concurrent;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Privacy;

/// <summary>Privacy settings in memory, for the embedded demo and a single gateway.</summary>
internal sealed class InMemoryPrivacySettingsStore : IPrivacySettingsStore
{
    private readonly ConcurrentDictionary<(OrganizationId, string), PrivacySettings> _settings = new();

    public Task<IReadOnlyList<PrivacySettings>> GetManyAsync(OrganizationId organization, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return Task.FromResult<IReadOnlyList<PrivacySettings>>(
            userIds.Select(id => _settings.GetValueOrDefault((organization, id.ToLowerInvariant()), PrivacySettings.Default)).ToList());
    }

    public Task SetAsync(OrganizationId organization, string userId, PrivacySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.IsDefault)
        {
            _settings.TryRemove((organization, userId.ToLowerInvariant()), out _);
        }
        else
        {
            _settings[(organization, userId.ToLowerInvariant())] = settings;
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        _settings.TryRemove((organization, userId.ToLowerInvariant()), out _);
        return Task.CompletedTask;
    }
}
