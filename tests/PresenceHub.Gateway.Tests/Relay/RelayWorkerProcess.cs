using PresenceHub.Gateway.State;
using System.Collections.Concurrent;
using System.Globalization;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>A relay hosted in its own process (tests/PresenceHub.RelayWorker), so a test can kill it with SIGKILL.</summary>
internal sealed class RelayWorkerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RelayWorkerProcess(ChildProcess process) => _process = process;

    /// <summary>Every line the worker printed so far.</summary>
    public ConcurrentQueue<string> Lines => _process.Lines;

    public ConcurrentQueue<string> Errors => _process.Errors;

    public bool HasExited => _process.HasExited;

    public static RelayWorkerProcess Start(StateOptions state, RelayOptions options, params string[] verb)
    {
        var worker = ChildProcess.BuiltAssembly("tests/PresenceHub.RelayWorker", "PresenceHub.RelayWorker.dll");
        string[] arguments =
        [
            worker, .. verb,
            $"--State:Mode={state.Mode}",
            $"--State:Redis={state.Redis}",
            $"--State:KeyPrefix={state.KeyPrefix}",
            $"--Relay:ReclaimIdle={options.ReclaimIdle.ToString("c", CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning",
        ];
        return new RelayWorkerProcess(ChildProcess.Start("dotnet", arguments));
    }

    /// <summary>SIGKILL: no shutdown, no flush, no acknowledgement of what is in flight.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
