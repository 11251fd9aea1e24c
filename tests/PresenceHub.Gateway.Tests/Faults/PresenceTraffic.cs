using System.Globalization;
using PresenceHub.GraphSimulator;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// Presence changes made in the simulator at a steady rate, round-robin over the users, each user's next state always
/// differing from its last (so every change is a notification). Counts are from <see cref="FaultScale"/>.
/// </summary>
internal sealed class PresenceTraffic
{
    private static readonly (string Availability, string Activity)[] States =
    [
        ("Available", "Available"), ("Busy", "InACall"), ("DoNotDisturb", "Presenting"), ("Away", "Away"), ("Busy", "InAMeeting"),
    ];

    private readonly SimulatorControl _control;
    private readonly IReadOnlyList<string> _users;
    private readonly int _round;
    private int _sent;

    /// <param name="control">The simulator.</param>
    /// <param name="users">The users whose presence changes.</param>
    /// <param name="round">Shifts the states, so a second stream of traffic does not repeat the first one's states.</param>
    public PresenceTraffic(SimulatorControl control, IReadOnlyList<string> users, int round = 0)
    {
        _control = control;
        _users = users;
        _round = round;
    }

    /// <summary>Changes made so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>When the last change was made.</summary>
    public DateTimeOffset LastChangeAt { get; private set; }

    /// <summary>Makes <paramref name="changes"/> changes at about <paramref name="perSecond"/> per second.</summary>
    public async Task RunAsync(int changes, int perSecond)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        for (var i = 0; i < changes; i++)
        {
            var user = i % _users.Count;
            var (availability, activity) = States[((i / _users.Count) + _round + user) % States.Length];
            _control.SetUserPresence(_users[user], availability, activity);
            Interlocked.Increment(ref _sent);
            LastChangeAt = time.GetUtcNow();
            // Open loop: the schedule says when the next change is due, whatever the system under test does.
            var due = TimeSpan.FromSeconds((i + 1) / (double)perSecond);
            var wait = due - time.GetElapsedTime(started);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }
        }
    }

    public override string ToString() => Sent.ToString(CultureInfo.InvariantCulture);
}
