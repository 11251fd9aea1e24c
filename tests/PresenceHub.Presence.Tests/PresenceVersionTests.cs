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
}
