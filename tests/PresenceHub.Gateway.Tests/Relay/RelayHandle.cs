using PresenceHub.Gateway.State;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>
/// A relay composed the way the gateway composes it (configuration, <c>AddPresenceRelay</c>), standing for one
/// gateway replica. Disposing it fails the test if the relay logged an error.
/// </summary>
internal sealed class RelayHandle : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ErrorLogCollector _errors = new();

    private RelayHandle(StateOptions state, RelayOptions options, Action<IServiceCollection>? services)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["State:Mode"] = state.Mode.ToString(),
            ["State:Redis"] = state.Redis,
            ["State:KeyPrefix"] = state.KeyPrefix,
            ["State:OperationTimeout"] = state.OperationTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["State:LastKnownTimeToLive"] = state.LastKnownTimeToLive?.ToString("c", CultureInfo.InvariantCulture),
            ["Relay:RetentionMaxLength"] = options.RetentionMaxLength.ToString(CultureInfo.InvariantCulture),
            ["Relay:RetentionMaxAge"] = options.RetentionMaxAge?.ToString("c", CultureInfo.InvariantCulture),
            ["Relay:ReclaimIdle"] = options.ReclaimIdle.ToString("c", CultureInfo.InvariantCulture),
            ["Relay:LagBound"] = options.LagBound.ToString(CultureInfo.InvariantCulture),
            ["Relay:FallbackPoll"] = options.FallbackPoll.ToString("c", CultureInfo.InvariantCulture),
        });
        builder.Logging.AddProvider(_errors);
        services?.Invoke(builder.Services);
        builder.AddPresenceRelay();
        _host = builder.Build();
        Relay = _host.Services.GetRequiredService<IPresenceRelay>();
    }

    public IPresenceRelay Relay { get; }

    public IServiceProvider Services => _host.Services;

    /// <param name="state">Where the relay keeps its data, passed as configuration (<c>State:*</c>).</param>
    /// <param name="options">The relay's settings, passed as configuration (<c>Relay:*</c>); defaults when null.</param>
    /// <param name="services">Registrations made before the relay's, e.g. a fake <see cref="TimeProvider"/>.</param>
    public static async Task<RelayHandle> StartAsync(StateOptions state, RelayOptions? options = null, Action<IServiceCollection>? services = null)
    {
        var handle = new RelayHandle(state, options ?? new RelayOptions(), services);
        await handle._host.StartAsync();
        return handle;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        Assert.True(_errors.Errors.IsEmpty, "The relay logged errors: " + string.Join("; ", _errors.Errors));
    }

    private sealed class ErrorLogCollector : ILoggerProvider, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Errors.Enqueue($"{eventId}: {formatter(state, exception)}");
            }
        }

        public void Dispose()
        {
        }
    }
}
