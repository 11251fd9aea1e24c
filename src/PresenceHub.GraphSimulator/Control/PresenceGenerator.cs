using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Presence;

namespace PresenceHub.GraphSimulator.Control;

/// <summary>
/// Moves users between the states people actually use in Teams (available, in a call, in a meeting, presenting,
/// away, be right back, do not disturb, offline) with weighted transitions, paced in real time.
/// </summary>
internal sealed partial class PresenceGenerator(PresenceStore store, SimulatorDirectory directory, TimeProvider realTime, ILogger<PresenceGenerator> logger) : IAsyncDisposable
{
    private static readonly (string Availability, string Activity, int Weight)[] States =
    [
        ("Available", "Available", 30),
        ("Busy", "InACall", 12),
        ("Busy", "InAMeeting", 18),
        ("Busy", "Busy", 6),
        ("DoNotDisturb", "Presenting", 4),
        ("DoNotDisturb", "DoNotDisturb", 4),
        ("Away", "Away", 10),
        ("BeRightBack", "BeRightBack", 6),
        ("Offline", "OffWork", 10),
    ];

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private long _changes;

    public long Changes => Interlocked.Read(ref _changes);

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _loop is { IsCompleted: false };
            }
        }
    }

    public void Start(PresenceGeneratorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.ChangesPerSecond);
        var tenant = directory.RequireTenant(settings.TenantId);
        var users = settings.UserIds.Count > 0
            ? settings.UserIds.Select(id => directory.FindUser(id) ?? throw new ArgumentException($"Unknown user {id}.", nameof(settings))).ToList()
            : directory.ListUsers(tenant.Id).ToList();
        if (users.Count == 0)
        {
            throw new ArgumentException("The generator needs at least one user.", nameof(settings));
        }

        lock (_gate)
        {
            if (_loop is { IsCompleted: false })
            {
                throw new InvalidOperationException("The presence generator is already running.");
            }

            _stop = new CancellationTokenSource();
            var random = settings.Seed is { } seed ? new Random(seed) : new Random();
            _loop = Task.Run(() => RunAsync(users, settings, random, _stop.Token));
        }
    }

    public async Task StopAsync()
    {
        Task? loop;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            (loop, stop) = (_loop, _stop);
            _loop = null;
            _stop = null;
        }

        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task RunAsync(IReadOnlyList<UserRecord> users, PresenceGeneratorSettings settings, Random random, CancellationToken ct)
    {
        var start = realTime.GetTimestamp();
        long done = 0;
        var totalWeight = States.Sum(s => s.Weight);
        using var timer = new PeriodicTimer(Tick, realTime);
        try
        {
            while (!ct.IsCancellationRequested && (settings.MaxChanges == 0 || done < settings.MaxChanges))
            {
                var due = (long)(realTime.GetElapsedTime(start).TotalSeconds * settings.ChangesPerSecond);
                if (settings.MaxChanges > 0)
                {
                    due = Math.Min(due, settings.MaxChanges);
                }

                for (; done < due; done++)
                {
                    var user = users[random.Next(users.Count)];
                    var current = store.Get(user.Id, user.TenantId);
                    var pick = random.Next(totalWeight);
                    var state = States.First(s => (pick -= s.Weight) < 0);
                    if (state.Availability == current.Availability && state.Activity == current.Activity)
                    {
                        state = States[(Array.IndexOf(States, state) + 1) % States.Length];
                    }

                    store.SetUserState(user.Id, user.TenantId, state.Availability, state.Activity);
                    Interlocked.Increment(ref _changes);
                }

                if (settings.MaxChanges > 0 && done >= settings.MaxChanges)
                {
                    break;
                }

                await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        LogGeneratorStopped(logger, done);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Presence generator stopped after {Changes} changes")]
    private static partial void LogGeneratorStopped(ILogger logger, long changes);
}
