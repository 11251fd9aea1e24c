using System.Collections.Concurrent;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>
/// samples/python-connector running as a child process, its lines read as they come, so a test can wait on what it
/// printed, kill it with SIGKILL or stop it with SIGINT.
/// </summary>
internal sealed class PythonSampleProcess : IAsyncDisposable
{
    private static readonly string[] EventLines = ["presence", "profile", "withdrawn", "stale", "skipped"];
    private readonly ChildProcess _process;

    private PythonSampleProcess(ChildProcess process) => _process = process;

    /// <summary>Every line it printed to stdout so far.</summary>
    public ConcurrentQueue<string> Lines => _process.Lines;

    public int ExitCode => _process.ExitCode;

    /// <summary>The ids of the events it handled, in order (one line per event: <c>kind event-id ...</c>).</summary>
    public IReadOnlyList<string> EventIds => EventIdsIn(Lines.ToList());

    /// <summary>The events printed before its last <c>acked</c> line: all acknowledged and covered by the saved cursor.</summary>
    public IReadOnlyList<string> AcknowledgedEventIds
    {
        get
        {
            var lines = Lines.ToList();
            return EventIdsIn(lines.Take(lines.FindLastIndex(l => l.StartsWith("acked ", StringComparison.Ordinal)) + 1));
        }
    }

    /// <summary>The cursor of its last <c>acked</c> line; null before any.</summary>
    public string? LastAcknowledgedCursor =>
        Lines.LastOrDefault(l => l.StartsWith("acked ", StringComparison.Ordinal))?["acked ".Length..];

    public string Transcript => _process.Transcript(80);

    /// <summary>Starts <c>/usr/bin/python3 connector.py</c> in the prepared sample directory.</summary>
    public static PythonSampleProcess Start(string sample, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        new(ChildProcess.Start(PythonSample.Python, ["connector.py", .. arguments], environment, sample));

    /// <summary>Waits until it printed a line satisfying <paramref name="condition"/>, failing with its output.</summary>
    public Task UntilPrintedAsync(Func<string, bool> condition, string what) => UntilAsync(() => Lines.Any(condition), what);

    /// <summary>Waits on <paramref name="condition"/>, failing with its output.</summary>
    public async Task UntilAsync(Func<bool> condition, string what)
    {
        try
        {
            await Poll.UntilAsync(() => condition() || _process.HasExited, what, PythonSample.RunDeadline);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} The sample printed:\n{Transcript}", ex);
        }

        if (!condition())
        {
            // It exited: read its output to the end before judging.
            await _process.WaitForExitAsync(PythonSample.RunDeadline);
            Assert.True(condition(), $"the sample exited ({_process.ExitCode}) before {what}; it printed:\n{Transcript}");
        }
    }

    /// <summary>Ctrl+C: the sample reports STOPPING, closes its stream and exits; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        _process.Interrupt();
        Assert.True(await _process.WaitForExitAsync(PythonSample.RunDeadline), $"the sample did not stop after SIGINT; it printed:\n{Transcript}");
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no STOPPING, no flush, nothing in flight is acknowledged.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static List<string> EventIdsIn(IEnumerable<string> lines) =>
        lines.Select(l => l.Split(' '))
            .Where(p => p.Length >= 2 && EventLines.Contains(p[0]))
            .Select(p => p[1])
            .ToList();
}
