using System.Threading.Channels;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Users whose Teams app installation changed, per the app-installations subscription, waiting for the subscription
/// keeper to check them in Graph; bounded so a flood cannot grow memory (a dropped check waits for the next sweep).
/// </summary>
internal sealed class InstallationChangeQueue
{
    private readonly Channel<(OrganizationId Organization, string UserId)> _channel =
        System.Threading.Channels.Channel.CreateBounded<(OrganizationId, string)>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public bool TryEnqueue(OrganizationId organization, string userId) => _channel.Writer.TryWrite((organization, userId));

    public ChannelReader<(OrganizationId Organization, string UserId)> Reader => _channel.Reader;

    /// <summary>
    /// The user of an installation resource such as <c>users('{id}')/teamwork/installedApps('{installation}')</c>
    /// (or <c>users/{id}/...</c>), lowercase; null when it names none.
    /// </summary>
    public static string? UserIdOf(string resource)
    {
        const string users = "users";
        var start = resource.IndexOf(users, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        var rest = resource.AsSpan(start + users.Length).TrimStart("/('");
        var end = rest.IndexOfAny("')/");
        var id = end < 0 ? rest : rest[..end];
        return Guid.TryParse(id, out var guid) ? guid.ToString("D") : null;
    }
}
