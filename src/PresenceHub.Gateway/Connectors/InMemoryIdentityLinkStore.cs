using PresenceHub.Presence;

namespace PresenceHub.Gateway.Connectors;

/// <summary>Identity links in this process only (the embedded default).</summary>
internal sealed class InMemoryIdentityLinkStore : IIdentityLinkStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(OrganizationId, Platform, string), string> _toTeams = [];
    private readonly Dictionary<(OrganizationId, Platform, string), string> _toPlatform = [];

    public Task LinkAsync(OrganizationId organization, Platform platform, string platformUserId, string teamsUserId, CancellationToken cancellationToken)
    {
        var teams = teamsUserId.ToLowerInvariant();
        lock (_gate)
        {
            Unlink(organization, platform, platformUserId);
            if (_toPlatform.Remove((organization, platform, teams), out var previous))
            {
                _toTeams.Remove((organization, platform, previous));
            }

            _toTeams[(organization, platform, platformUserId)] = teams;
            _toPlatform[(organization, platform, teams)] = platformUserId;
        }

        return Task.CompletedTask;
    }

    public Task<bool> UnlinkAsync(OrganizationId organization, Platform platform, string platformUserId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Unlink(organization, platform, platformUserId));
        }
    }

    public Task<string?> FindTeamsUserAsync(OrganizationId organization, Platform platform, string platformUserId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_toTeams.GetValueOrDefault((organization, platform, platformUserId)));
        }
    }

    public Task<IReadOnlyList<string?>> FindPlatformUsersAsync(
        OrganizationId organization, Platform platform, IReadOnlyList<string> teamsUserIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<string?>>(
                teamsUserIds.Select(id => _toPlatform.GetValueOrDefault((organization, platform, id.ToLowerInvariant()))).ToList());
        }
    }

    public Task<int> UnlinkTeamsUserAsync(OrganizationId organization, string teamsUserId, CancellationToken cancellationToken)
    {
        var teams = teamsUserId.ToLowerInvariant();
        lock (_gate)
        {
            var links = _toPlatform.Where(l => l.Key.Item1 == organization && l.Key.Item3 == teams).ToList();
            foreach (var ((_, platform, _), platformUserId) in links)
            {
                Unlink(organization, platform, platformUserId);
            }

            return Task.FromResult(links.Count);
        }
    }

    private bool Unlink(OrganizationId organization, Platform platform, string platformUserId)
    {
        if (!_toTeams.Remove((organization, platform, platformUserId), out var teams))
        {
            return false;
        }

        _toPlatform.Remove((organization, platform, teams));
        return true;
    }
}
