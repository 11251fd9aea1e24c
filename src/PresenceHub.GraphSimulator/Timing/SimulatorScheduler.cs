namespace PresenceHub.GraphSimulator.Timing;

/// <summary>
/// Runs work at instants of the simulator clock (session expiry, idle fade, delivery retries, lifecycle notices).
/// A single loop sleeps until the earliest due item in real time, and wakes early when the clock is advanced.
/// </summary>
internal sealed partial class SimulatorScheduler : IAsyncDisposable
{
    private readonly SimulatorClock _clock;
    private readonly TimeProvider _real;
    private readonly ILogger<SimulatorScheduler> _logger;
    private readonly PriorityQueue<Func<Task>, (DateTimeOffset Due, long Order)> _queue = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private long _order;
    private int _disposed;
    private Task? _loop;

    public SimulatorScheduler(SimulatorClock clock, TimeProvider real, ILogger<SimulatorScheduler> logger)
    {
        _clock = clock;
        _real = real;
        _logger = logger;
        _clock.Advanced += Wake;
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    public void Schedule(DateTimeOffset due, Func<Task> work)
    {
        lock (_gate)
        {
            _queue.Enqueue(work, (due, _order++));
        }

        Wake();
    }

    public void Schedule(DateTimeOffset due, Action work) => Schedule(due, () =>
    {
        work();
        return Task.CompletedTask;
    });

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Func<Task>? due = null;
            var wait = Timeout.InfiniteTimeSpan;
            lock (_gate)
            {
                if (_queue.TryPeek(out var work, out var key))
                {
                    var now = _clock.GetUtcNow();
                    if (key.Due <= now)
                    {
                        _queue.Dequeue();
                        due = work;
                    }
                    else if (!_clock.IsFrozen)
                    {
                        wait = key.Due - now;
                    }
                }
            }

            if (due is not null)
            {
                try
                {
                    await due().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogWorkFailed(_logger, ex);
                }

                continue;
            }

            try
            {
                if (wait == Timeout.InfiniteTimeSpan)
                {
                    await _wake.WaitAsync(ct).ConfigureAwait(false);
                }
                else
                {
                    using var timeout = new CancellationTokenSource(wait, _real);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                    try
                    {
                        await _wake.WaitAsync(linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // The earliest item became due.
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _clock.Advanced -= Wake;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Scheduled simulator work failed")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception);
}
