using System.Collections.Concurrent;
using PresenceHub.Presence;
using StackExchange.Redis;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The relay's Redis layout. Every key and channel of an organization carries the tenant id as hash tag, so all of
/// them live in one cluster slot and a script may touch them together:
/// <list type="bullet">
/// <item><c>{prefix}:{tenant}:events</c> stream of events; one consumer group per connector, one consumer per connector instance;</item>
/// <item><c>{prefix}:{tenant}:lk:{source}:{user}</c> hash (v = version stamp, d = encoded update): last-known presence, one key per user so it can expire;</item>
/// <item><c>{prefix}:{tenant}:users</c> set of <c>{source}:{user}</c>: whose last-known presence exists, for snapshots;</item>
/// <item><c>{prefix}:{tenant}:snap:{connector}</c> hash (mark, cursor): a snapshot the connector has not finished acknowledging;</item>
/// <item><c>{prefix}:{tenant}:wake</c> sharded pub/sub channel: wakes the readers of the organization.</item>
/// </list>
/// </summary>
internal sealed class RedisRelayKeys(string prefix)
{
    // Formatting a tenant id for every key of every update shows up in the publish path's allocations.
    private readonly ConcurrentDictionary<OrganizationId, string> _tags = new();

    public RedisKey Stream(OrganizationId organization) => Tag(organization) + ":events";

    public RedisKey Users(OrganizationId organization) => Tag(organization) + ":users";

    public RedisKey LastKnown(OrganizationId organization, string member) => Tag(organization) + ":lk:" + member;

    /// <summary>What precedes a member in its last-known key, for scripts that derive those keys from the users set.</summary>
    public string LastKnownPrefix(OrganizationId organization) => Tag(organization) + ":lk:";

    public RedisKey Snapshot(ConnectorFeedId connector) => Tag(connector.Organization) + ":snap:" + connector.ConnectorId;

    public RedisChannel Wake(OrganizationId organization) => RedisChannel.Sharded(Tag(organization) + ":wake");

    /// <summary>A user's member in the users set, and the suffix of its last-known key.</summary>
    public static string Member(PresenceSubject subject) => subject.Source.Id + ":" + subject.UserId;

    private string Tag(OrganizationId organization) =>
        _tags.GetOrAdd(organization, static (o, p) => $"{p}:{{{o}}}", prefix);
}
