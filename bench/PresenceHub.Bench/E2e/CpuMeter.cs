using System.Diagnostics;
using System.Globalization;

namespace PresenceHub.Bench.E2e;

/// <summary>
/// CPU time spent since it was created, per event, and the garbage collections in that time: this process (driver, simulator, gateway, connector) and, when its
/// pid is known, redis-server (read from /proc, in clock ticks of 10 ms).
/// </summary>
internal sealed class CpuMeter(int? redisPid)
{
    private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan? _redis = RedisCpu(redisPid);
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    public CpuSample Sample(long events)
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime - _process;
        var redis = RedisCpu(redisPid) - _redis;
        return new CpuSample(
            events == 0 ? double.NaN : process.TotalMicroseconds / events,
            redis is { } r && events > 0 ? r.TotalMicroseconds / events : null,
            GC.CollectionCount(0) - _collections[0], GC.CollectionCount(1) - _collections[1], GC.CollectionCount(2) - _collections[2]);
    }

    private static TimeSpan? RedisCpu(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
