using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>
/// How many of an organization's consenting users Graph pushes changes for (a presence subscription covers them),
/// how many it does not, and why. Users without push are still polled, more often (<c>Graph:UnpushedReconcileInterval</c>).
/// Read from the stores, so every replica, the admin console and <c>doctor</c> say the same.
/// </summary>
internal sealed record PushCoverage(int Consenting, int WithoutPush, int Owners)
{
    /// <summary>Why users are without push, or null when none is.</summary>
    public string? Reason => WithoutPush == 0 ? null
        : Owners == 0 ? "no signed-in owner: nobody who consented signed in, so no presence subscription can be created"
        : "not covered yet: the subscription keeper covers them on its next pass";

    public static PushCoverage Of(IReadOnlyList<Consent> consents, IReadOnlyList<GraphSubscription> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(consents);
        ArgumentNullException.ThrowIfNull(subscriptions);
        var covered = subscriptions.Where(s => s.Kind == GraphSubscriptionKind.Presence)
            .SelectMany(s => s.UserIds).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new PushCoverage(
            consents.Count,
            consents.Count(c => !covered.Contains(c.UserId)),
            consents.Count(c => c.CanOwnSubscriptions));
    }
}
