namespace PresenceHub.Bench.E2e;

/// <summary>CPU microseconds per event of this process and of redis-server (null when not measured), and this process's garbage collections per generation.</summary>
internal readonly record struct CpuSample(double ProcessMicros, double? RedisMicros, int Gen0, int Gen1, int Gen2);
