namespace PresenceHub.Gateway.WriteBack;

/// <summary>The newest presence one platform submitted for a user, as far as write-back needs it.</summary>
/// <param name="Platform">The connector's platform id.</param>
/// <param name="Version">The newest version stamp accepted from that platform.</param>
/// <param name="Pair">The Teams session pair it maps to (<see cref="WriteBackPairs"/>); null when it means "no session" (offline or unknown).</param>
/// <param name="Order">When it was accepted, as a counter of the user's accepted updates: the highest is the most recent.</param>
internal sealed record WriteBackSource(string Platform, string Version, string? Pair, long Order);
