namespace PresenceHub.Bench.E2e;

/// <summary>CPU microseconds per event of this process and of redis-server (null when not measured).</summary>
internal readonly record struct CpuSample(double ProcessMicros, double? RedisMicros);
