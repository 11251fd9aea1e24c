using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using PresenceHub.GraphSimulator.Presence;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Tests.Presence;

/// <summary>Property tests of Teams-style aggregation over any mix of user state and app sessions.</summary>
public sealed class PresenceStorePropertyTests
{
    private static readonly Gen<(string, string)> SessionPair = Gen.OneOf(
        ("Available", "Available"), ("Busy", "InACall"), ("Busy", "InAConferenceCall"), ("Away", "Away"), ("DoNotDisturb", "Presenting"));

    private static readonly Gen<(string, string)> UserState = Gen.OneOf(
        ("Offline", "Offline"), ("Available", "Available"), ("Away", "Away"), ("BeRightBack", "BeRightBack"), ("Busy", "InAMeeting"), ("DoNotDisturb", "DoNotDisturb"));

    private static readonly Gen<(int App, (string, string) Pair, int At, int Minutes)> Session =
        Gen.Select(Gen.Int[0, 3], SessionPair, Gen.Int[0, 10], Gen.Int[5, 15]);

    [Fact]
    public void Aggregate_IsHighestOfUserStateAndLiveSessions_WithIdleFade()
    {
        Gen.Select(UserState, Session.List[0, 6], Gen.Int[0, 20]).Sample(t =>
        {
            var (user, sessions, end) = t;
            var clock = new SimulatorClock(TimeProvider.System, frozen: true, start: null);
            var scheduler = new SimulatorScheduler(clock, TimeProvider.System, NullLogger<SimulatorScheduler>.Instance);
            var store = new PresenceStore(clock, scheduler);
            var start = clock.GetUtcNow();
            var sequences = new List<string>();
            store.Changed += states => sequences.AddRange(states.Select(s => s.SequenceNumber));

            store.SetUserState("u", "t", user.Item1, user.Item2);
            var model = new Dictionary<int, (string Availability, DateTimeOffset SetAt, DateTimeOffset Expires)>();
            foreach (var s in sessions.OrderBy(s => s.At))
            {
                AdvanceTo(clock, start.AddMinutes(s.At));
                store.SetSession("u", "t", $"app{s.App}", s.Pair.Item1, s.Pair.Item2, TimeSpan.FromMinutes(s.Minutes));
                model[s.App] = (s.Pair.Item1, clock.GetUtcNow(), clock.GetUtcNow().AddMinutes(s.Minutes));
            }

            AdvanceTo(clock, start.AddMinutes((sessions.Count == 0 ? 0 : sessions.Max(s => s.At)) + end));
            store.Recompute("u");
            var now = clock.GetUtcNow();
            var expected = model.Values
                .Where(m => m.Expires > now)
                .Select(m => m.Availability == "Available" && now - m.SetAt >= PresenceRules.IdleAfter ? "AvailableIdle" : m.Availability)
                .Append(user.Item1)
                .Max(PresenceRules.Rank);

            Assert.Equal(expected, PresenceRules.Rank(store.Get("u", "t").Availability));
            Assert.Equal(sequences.Order(StringComparer.Ordinal), sequences);
            Assert.Equal(sequences.Count, sequences.Distinct().Count());
        }, iter: 2000);
    }

    private static void AdvanceTo(SimulatorClock clock, DateTimeOffset target)
    {
        var delta = target - clock.GetUtcNow();
        if (delta > TimeSpan.Zero)
        {
            clock.Advance(delta);
        }
    }
}
