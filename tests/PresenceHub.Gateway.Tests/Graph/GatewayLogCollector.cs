using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// The gateway's log lines as its configured filters let them through (category, level, event id, message):
/// registered as an <see cref="ILoggerProvider"/> in the gateway's services, so the gateway's own <c>Logging</c>
/// configuration (appsettings.json and the test's settings) decides what reaches it.
/// </summary>
internal sealed class GatewayLogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    internal sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message)
    {
        public override string ToString() => $"{Level} {Category}[{EventId.Id}]: {Message}";
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception)));
    }
}
