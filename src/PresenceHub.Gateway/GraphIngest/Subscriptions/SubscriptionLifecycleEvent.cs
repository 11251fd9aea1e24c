namespace PresenceHub.Gateway.GraphIngest.Subscriptions;

/// <summary>A lifecycle notification Graph sent about a subscription.</summary>
/// <param name="Type">The event, as Graph names it (<c>reauthorizationRequired</c>, <c>subscriptionRemoved</c>, <c>missed</c>).</param>
/// <param name="At">When the gateway handled it.</param>
internal sealed record SubscriptionLifecycleEvent(string Type, DateTimeOffset At);
