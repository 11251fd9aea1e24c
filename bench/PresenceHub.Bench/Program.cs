using PresenceHub.Bench;

// One verb per benchmark; bench/run starts what a verb needs (e.g. redis-server) and passes its address.
return args.FirstOrDefault() switch
{
    "relay" => await RelayBenchmark.RunAsync(args[1..]),
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "fanout" => await FanoutBenchmark.RunAsync(args[1..]),
    "scale" => await ScaleBenchmark.RunAsync(args[1..]),
    "e2e" => await E2eBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PresenceHub.Bench relay --redis <host:port> --raw-xadd <entries/s> [--seconds <n>]");
    Console.Error.WriteLine("       PresenceHub.Bench ingest [--seconds <n>]");
    Console.Error.WriteLine("       PresenceHub.Bench fanout [--events <n>] [--seconds <n>]");
    Console.Error.WriteLine("       PresenceHub.Bench scale [--redis <host:port>] [--users <n>,<n>...]");
    Console.Error.WriteLine("       PresenceHub.Bench e2e [--redis <host:port>] [--raw-xadd <entries/s>] [--redis-pid <pid>] [--seconds <n>] [--paced-seconds <n>] [--in-flight <n>] [--scale-users <n>,<n>|none] [--report <dir>]");
    return 2;
}
