namespace PresenceHub.Gateway.Admin;

/// <summary>Events through this replica.</summary>
/// <param name="EventsIn">Presence updates offered to the relay since start.</param>
/// <param name="EventsOut">Events written to connector streams since start.</param>
/// <param name="InPerSecond">Updates in per second, recently.</param>
/// <param name="OutPerSecond">Events out per second, recently.</param>
internal sealed record Throughput(long EventsIn, long EventsOut, double InPerSecond, double OutPerSecond);
