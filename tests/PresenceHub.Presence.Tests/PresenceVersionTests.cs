using CsCheck;

namespace PresenceHub.Presence.Tests;

public sealed class PresenceVersionTests
{
    [Fact]
    public void ObservedVersions_OrderByTimeThenTieBreaker() =>
        Gen.Select(Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks], Gen.ULong, Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks], Gen.ULong)
            .Sample((t1, b1, t2, b2) =>
            {
                var v1 = PresenceVersion.FromObservedTime(new DateTimeOffset(t1, TimeSpan.Zero), b1);
                var v2 = PresenceVersion.FromObservedTime(new DateTimeOffset(t2, TimeSpan.Zero), b2);
                Assert.Equal(Math.Sign((t1, b1).CompareTo((t2, b2))), Math.Sign(v1.CompareTo(v2)));
            });

    [Fact]
    public void Stamp_ParsesBackToSameVersion() =>
        Gen.OneOf(
                Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks].Select(Gen.ULong, (t, b) => PresenceVersion.FromObservedTime(new DateTimeOffset(t, TimeSpan.Zero), b)),
                Gen.String[Gen.Char['!', '~'], 1, 100].Select(PresenceVersion.FromSequence))
            .Sample(v => Assert.Equal(v, PresenceVersion.Parse(v.Stamp)));

    [Fact]
    public void ObservedVersion_SortsAfterAnySequenceVersion() =>
        Assert.True(PresenceVersion.FromObservedTime(DateTimeOffset.UnixEpoch, 0) > PresenceVersion.FromSequence("~~~~"));

    [Fact]
    public void Default_SortsBeforeEveryVersion() =>
        Assert.True(default(PresenceVersion) < PresenceVersion.FromSequence("!"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x123")]
    [InlineData("s")]
    [InlineData("s has spaces")]
    [InlineData("t123")]
    [InlineData("t0000000000000000001zzzzzzzzzzzzzzzz")]
    public void TryParse_Malformed_ReturnsFalse(string? stamp) => Assert.False(PresenceVersion.TryParse(stamp, out _));

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("caf\u00e9")]
    public void FromSequence_Malformed_ThrowsClearError(string sequence)
    {
        var error = Assert.Throws<ArgumentException>(() => PresenceVersion.FromSequence(sequence));
        Assert.Contains("printable ASCII", error.Message);
    }

    [Fact]
    public void Successor_OfASequenceStamp_SortsAfterIt_AndBeforeTheSourcesNextSequence()
    {
        var admitted = PresenceVersion.FromSequence("000000000000002A");
        var next = PresenceVersion.FromSequence("000000000000002B");

        var successor = admitted.Successor();

        Assert.True(successor > admitted);
        Assert.True(successor < next);
        Assert.True(successor.Successor() > successor);
        Assert.True(successor.Successor() < next);
        Assert.Equal(successor, PresenceVersion.Parse(successor.Stamp));
    }

    [Fact]
    public void Successor_OfAnObservedTimeStamp_IsTheNextTieBreaker_AndStaysParseable()
    {
        var observed = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var version = PresenceVersion.FromObservedTime(observed, 41);
        var last = PresenceVersion.FromObservedTime(observed, ulong.MaxValue);

        Assert.Equal(PresenceVersion.FromObservedTime(observed, 42), version.Successor());
        Assert.Equal(PresenceVersion.FromObservedTime(observed.AddTicks(1), 0), last.Successor());
        Assert.True(PresenceVersion.TryParse(last.Successor().Stamp, out _));
    }

    [Fact]
    public void Successor_OfTheDefaultOrALongestStamp_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => default(PresenceVersion).Successor());
        Assert.Throws<InvalidOperationException>(() => PresenceVersion.FromSequence(new string('9', PresenceVersion.MaxLength - 1)).Successor());
    }
}
