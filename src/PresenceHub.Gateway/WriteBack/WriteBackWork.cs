namespace PresenceHub.Gateway.WriteBack;

/// <summary>One Graph call a session needs.</summary>
/// <param name="Pair">The pair to set (<see cref="WriteBackPairs"/>); null to clear the session.</param>
/// <param name="Platform">The platform the pair comes from; null when clearing.</param>
/// <param name="IsRefresh">Whether it sets again what the session already holds, only to extend it.</param>
internal sealed record WriteBackWork(string? Pair, string? Platform, bool IsRefresh);
