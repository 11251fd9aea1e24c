using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Graph;
using PresenceHub.GraphSimulator.Subscriptions;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>
/// Sends <c>reauthorizationRequired</c> lifecycle notifications to a subscription's lifecycleNotificationUrl a set time
/// before it expires (rescheduled whenever the expiry changes), and on demand.
/// </summary>
internal sealed class LifecycleNotifier(
    SubscriptionStore store,
    NotificationDispatcher dispatcher,
    SimulatorScheduler scheduler,
    SimulatorClock clock,
    GraphSimulatorOptions options)
{
    public void Track(Subscription subscription)
    {
        if (subscription.LifecycleNotificationUrl is null)
        {
            return;
        }

        var expiration = subscription.Expiration;
        var due = expiration - options.ReauthorizationNotice;
        if (due < clock.GetUtcNow())
        {
            due = clock.GetUtcNow();
        }

        scheduler.Schedule(due, () =>
        {
            // A renewal since scheduling moved the expiry; the notice scheduled for the new expiry covers it.
            if (store.FindLive(subscription.Id) is { } s && s.Expiration == expiration)
            {
                Send(s, "reauthorizationRequired");
            }
        });
    }

    /// <summary>Sends a lifecycle event now; false when the subscription is not live or has no lifecycle URL.</summary>
    public bool Send(Subscription subscription, string lifecycleEvent)
    {
        if (subscription.LifecycleNotificationUrl is not { } url || !subscription.IsLive(clock.GetUtcNow()))
        {
            return false;
        }

        var json = new JsonObject
        {
            ["subscriptionId"] = subscription.Id,
            ["subscriptionExpirationDateTime"] = GraphJson.Date(subscription.Expiration),
            ["tenantId"] = subscription.TenantId,
            ["clientState"] = subscription.ClientState,
            ["lifecycleEvent"] = lifecycleEvent,
        };
        dispatcher.Enqueue(url, [new NotificationItem(subscription, json, IsLifecycle: true)], applyFaults: false);
        return true;
    }
}
