using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PresenceHub.Gateway.State;

/// <summary>
/// The one multiplexer every store shares. It connects on first use, fails commands at once while Redis is
/// unreachable (no backlog, so a webhook answers 5xx instead of hanging) and reconnects by itself.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(IOptions<StateOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        var configuration = Configure(options.Value);
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(configuration));
    }

    public async ValueTask<IDatabase> DatabaseAsync() => (await _multiplexer.Value.ConfigureAwait(false)).GetDatabase();

    /// <summary>For synchronous callers only (the Data Protection key ring's repository): waits for the first connection.</summary>
    public IDatabase Database() => _multiplexer.Value.GetAwaiter().GetResult().GetDatabase();

    public async ValueTask<ISubscriber> SubscriberAsync() => (await _multiplexer.Value.ConfigureAwait(false)).GetSubscriber();

    /// <summary>The client configuration: the operator's string, with fail-fast defaults for what it leaves unset.</summary>
    public static ConfigurationOptions Configure(StateOptions options)
    {
        var text = options.Redis ?? throw new InvalidOperationException("State:Redis is required in Redis mode.");
        var configuration = ConfigurationOptions.Parse(text);
        var timeout = (int)options.OperationTimeout.TotalMilliseconds;
        if (!Mentions(text, "connectTimeout"))
        {
            configuration.ConnectTimeout = timeout;
        }

        if (!Mentions(text, "asyncTimeout"))
        {
            configuration.AsyncTimeout = timeout;
        }

        if (!Mentions(text, "syncTimeout"))
        {
            configuration.SyncTimeout = timeout;
        }

        if (!Mentions(text, "abortConnect"))
        {
            configuration.AbortOnConnectFail = false;
        }

        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 5000);
        configuration.ClientName ??= "presencehub";
        return configuration;

        static bool Mentions(string text, string key) => text.Contains(key + "=", StringComparison.OrdinalIgnoreCase);
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            await _multiplexer.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                StateLog.RedisUnavailable(_logger, e.Exception);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                StateLog.RedisRestored(_logger);
            }
        };
        return multiplexer;
    }
}
