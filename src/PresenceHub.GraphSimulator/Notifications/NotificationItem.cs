using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Subscriptions;

namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>One element of a notification batch's <c>value</c>, with the subscription it belongs to.</summary>
internal sealed record NotificationItem(Subscription Subscription, JsonObject Json, bool IsLifecycle)
{
    public bool IsRich => Json["encryptedContent"] is not null;
}
