using CsCheck;

namespace PresenceHub.Presence.Tests;

public sealed class PresenceUpdateTests
{
    private static readonly OrganizationId Contoso = OrganizationId.Parse("6f1c8b2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b");
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Versioned updates of a few users on two sources, each version unique to its update as sources guarantee.</summary>
    private static readonly Gen<PresenceUpdate[]> Updates =
        Gen.Select(Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 10_000], Gen.Bool, PresenceGen.State)
            .Array[1, 40]
            .Select(rows => rows
                .Select((row, i) =>
                {
                    var (user, sequenced, tick, fromTeams, state) = row;
                    var version = sequenced
                        ? PresenceVersion.FromSequence($"{tick:D6}{i:D3}")
                        : PresenceVersion.FromObservedTime(Start.AddTicks(tick), (ulong)i);
                    return new PresenceUpdate(Contoso, $"user-{user}", fromTeams ? Platform.Teams : Platform.Xmpp, state,
                        version, Platform.Teams, Start.AddTicks(tick));
                })
                .ToArray());

    [Fact]
    public void ApplyingUpdates_InAnyOrderWithDuplicates_GivesSameFinalState() =>
        Updates
            .SelectMany(updates => Gen.Int[0, updates.Length].Select(n => updates.Concat(updates.Take(n)).ToArray()))
            .SelectMany(withDuplicates => Gen.Shuffle(withDuplicates).Select(shuffled => (withDuplicates, shuffled)))
            .Sample(pair => Assert.Equal(Apply(pair.withDuplicates), Apply(pair.shuffled)), iter: 2_000);

    [Fact]
    public void ApplyingUpdates_KeepsHighestVersionPerUserAndSource() =>
        Updates.Sample(updates =>
        {
            var expected = updates
                .GroupBy(u => (u.UserId, u.Source))
                .ToDictionary(g => g.Key, g => g.MaxBy(u => u.Version.Stamp, StringComparer.Ordinal)!);
            Assert.Equal(expected, Apply(updates));
        }, iter: 1_000);

    [Fact]
    public void Supersedes_EqualVersion_IsDuplicateAndDoesNotReplace()
    {
        var update = Update("user-1", PresenceVersion.FromSequence("0001"));
        Assert.False(update.Supersedes(update with { State = PresenceState.ForCategory(PresenceCategory.Busy) }));
        Assert.True(update.Supersedes(null));
    }

    [Fact]
    public void Supersedes_UpdateOfAnotherUser_Throws() =>
        Assert.Throws<ArgumentException>(() =>
            Update("user-1", PresenceVersion.FromSequence("0002")).Supersedes(Update("user-2", PresenceVersion.FromSequence("0001"))));

    [Fact]
    public void IsEchoFor_PlatformOfOrigin_IsTrue()
    {
        var reflected = Update("user-1", PresenceVersion.FromSequence("0001")) with { Origin = Platform.Xmpp };
        Assert.True(reflected.IsEchoFor(Platform.Xmpp));
        Assert.False(reflected.IsEchoFor(Platform.Slack));
    }

    private static PresenceUpdate Update(string user, PresenceVersion version) =>
        new(Contoso, user, Platform.Teams, PresenceState.ForCategory(PresenceCategory.Available), version, Platform.Teams, Start);

    private static Dictionary<(string, Platform), PresenceUpdate> Apply(IEnumerable<PresenceUpdate> updates)
    {
        var lastKnown = new Dictionary<(string, Platform), PresenceUpdate>();
        foreach (var update in updates)
        {
            var key = (update.UserId, update.Source);
            if (update.Supersedes(lastKnown.GetValueOrDefault(key)))
            {
                lastKnown[key] = update;
            }
        }

        return lastKnown;
    }
}
