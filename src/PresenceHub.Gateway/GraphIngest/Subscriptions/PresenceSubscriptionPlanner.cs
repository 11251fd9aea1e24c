namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// Packs consenting users into presence subscriptions of at most 650 users each, one per owner (Graph allows one
/// presence subscription per user per application, and only delegated tokens may create them). It keeps existing
/// subscriptions whose owner and users are still valid, so a change touches as few subscriptions as possible:
/// a departing user costs one subscription's recreation; a new user goes to a new owner's subscription while there
/// are owners without one, else into an existing subscription with room, which is recreated.
/// </summary>
internal static class PresenceSubscriptionPlanner
{
    /// <summary>Graph's limit on ids in one presence subscription's filter.</summary>
    public const int MaxUsersPerSubscription = 650;

    /// <param name="consenting">Users who consented to federation.</param>
    /// <param name="owners">Consenting users with a delegated session that can own a subscription, in order of preference.</param>
    /// <param name="existing">The organization's presence subscriptions now.</param>
    /// <param name="capacity">Users per subscription; Graph's limit unless a test packs tighter.</param>
    public static PresenceSubscriptionPlan Plan(
        IReadOnlyCollection<string> consenting,
        IReadOnlyList<string> owners,
        IReadOnlyList<GraphSubscription> existing,
        int capacity = MaxUsersPerSubscription)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var wanted = new HashSet<string>(consenting, StringComparer.OrdinalIgnoreCase);
        var ownerSet = new HashSet<string>(owners, StringComparer.OrdinalIgnoreCase);
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var usedOwners = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var keep = new List<GraphSubscription>();
        var delete = new List<GraphSubscription>();
        var create = new List<(string, IReadOnlyList<string>)>();
        var orphaned = new List<string>();

        foreach (var subscription in existing.Where(s => s.Kind == GraphSubscriptionKind.Presence))
        {
            var owner = subscription.OwnerUserId;
            var stillWanted = subscription.UserIds.Where(u => wanted.Contains(u) && !covered.Contains(u)).ToList();
            if (owner is null || !ownerSet.Contains(owner) || !usedOwners.Add(owner))
            {
                delete.Add(subscription);
                continue;
            }

            covered.UnionWith(stillWanted);
            if (stillWanted.Count == subscription.UserIds.Count && stillWanted.Count <= capacity)
            {
                keep.Add(subscription);
            }
            else
            {
                // Graph cannot change a subscription's filter: recreate it with the users it should still cover.
                delete.Add(subscription);
                if (stillWanted.Count > 0)
                {
                    create.Add((owner, stillWanted.Take(capacity).ToList()));
                    orphaned.AddRange(stillWanted.Skip(capacity));
                }
                else
                {
                    usedOwners.Remove(owner);
                }
            }
        }

        covered.ExceptWith(orphaned);
        var pending = new Queue<string>(wanted.Where(u => !covered.Contains(u)).Order(StringComparer.OrdinalIgnoreCase));
        var freeOwners = new Queue<string>(owners.Where(o => wanted.Contains(o) && !usedOwners.Contains(o)));
        while (pending.Count > 0 && freeOwners.TryDequeue(out var owner))
        {
            var users = new List<string>(Math.Min(capacity, pending.Count));
            while (users.Count < capacity && pending.TryDequeue(out var user))
            {
                users.Add(user);
            }

            create.Add((owner, users));
        }

        // No owner is free: grow kept subscriptions that have room, recreating each with its old and new users.
        foreach (var subscription in keep.Where(s => s.UserIds.Count < capacity).OrderBy(s => s.UserIds.Count).ToList())
        {
            if (pending.Count == 0)
            {
                break;
            }

            var users = new List<string>(subscription.UserIds);
            while (users.Count < capacity && pending.TryDequeue(out var user))
            {
                users.Add(user);
            }

            keep.Remove(subscription);
            delete.Add(subscription);
            create.Add((subscription.OwnerUserId!, users));
        }

        return new PresenceSubscriptionPlan(keep, delete, create, pending.ToList());
    }
}
