namespace PresenceHub.Bench;

/// <summary>The scale benchmark's run failed its checks: users never covered, a subscription not renewed, or calls throttled.</summary>
internal sealed class ScaleBenchmarkException(string message) : Exception(message);
