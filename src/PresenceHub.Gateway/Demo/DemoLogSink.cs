namespace PresenceHub.Gateway.Demo;

/// <summary>
/// Keeps the last warnings and errors of the gateway, the simulator and the connector so the terminal view shows them
/// under the table; written to the console they would be overwritten by the next redraw.
/// </summary>
internal sealed class DemoLogSink : ILoggerProvider
{
    private const int Keep = 3;
    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly TimeProvider _time;
    private long _count;

    public DemoLogSink(TimeProvider time) => _time = time;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyList<string> Recent
    {
        get
        {
            lock (_gate)
            {
                return [.. _recent];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message, Exception? exception)
    {
        Interlocked.Increment(ref _count);
        var at = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _time.LocalTimeZone);
        var line = $"{at:HH:mm:ss} {level} {category}: {message}{(exception is null ? "" : $" ({exception.GetType().Name})")}";
        lock (_gate)
        {
            _recent.Enqueue(line);
            while (_recent.Count > Keep)
            {
                _recent.Dequeue();
            }
        }
    }

    private sealed class SinkLogger(DemoLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink.Add(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
