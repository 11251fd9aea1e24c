using System.Threading.Channels;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Users whose presence must be read from Graph soon, off the request path: a notification that conflicted with the
/// last-known state (the same version, other content) is settled by asking Graph, never taken for a duplicate.
/// Bounded, so a flood cannot grow memory; a dropped request waits for the scheduled reconciliation.
/// </summary>
internal sealed class ReconcileRequests
{
    private readonly Channel<(OrganizationId Organization, string UserId)> _channel =
        Channel.CreateBounded<(OrganizationId, string)>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public bool TryEnqueue(OrganizationId organization, string userId) => _channel.Writer.TryWrite((organization, userId));

    public ChannelReader<(OrganizationId Organization, string UserId)> Reader => _channel.Reader;

    /// <summary>Takes every waiting request, grouped by organization, each user once.</summary>
    public Dictionary<OrganizationId, List<string>> Drain()
    {
        var requests = new Dictionary<OrganizationId, HashSet<string>>();
        while (_channel.Reader.TryRead(out var request))
        {
            if (!requests.TryGetValue(request.Organization, out var users))
            {
                requests[request.Organization] = users = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            users.Add(request.UserId);
        }

        return requests.ToDictionary(r => r.Key, r => r.Value.ToList());
    }
}
