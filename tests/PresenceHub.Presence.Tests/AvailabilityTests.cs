namespace PresenceHub.Presence.Tests;

public sealed class AvailabilityTests
{
    [Theory]
    [InlineData("Available", "Available")]
    [InlineData("available", "Available")]
    [InlineData("DONOTDISTURB", "DoNotDisturb")]
    [InlineData(" doNotDisturb ", "DoNotDisturb")]
    [InlineData("presenceUnknown", "PresenceUnknown")]
    public void Parse_KnownValueInAnyCase_GivesCanonicalSpelling(string raw, string expected)
    {
        var availability = Availability.Parse(raw);
        Assert.Equal(expected, availability.Value);
        Assert.True(availability.IsKnown);
    }

    [Fact]
    public void Parse_UnknownWellFormedValue_KeepsIt()
    {
        var availability = Availability.Parse("Focusing");
        Assert.Equal("Focusing", availability.Value);
        Assert.False(availability.IsKnown);
        Assert.Equal(Availability.Parse("FOCUSING"), availability);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Busy Busy")]
    [InlineData("1Busy")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Parse_MalformedValue_GivesPresenceUnknown(string? raw) =>
        Assert.Equal(Availability.PresenceUnknown, Availability.Parse(raw));

    [Fact]
    public void Default_IsPresenceUnknown() => Assert.Equal(Availability.PresenceUnknown, default);

    [Fact]
    public void ActivityParse_UnknownAndMalformed_FollowSameRules()
    {
        Assert.Equal(Activity.InAConferenceCall, Activity.Parse("inaconferencecall"));
        Assert.Equal("Commuting", Activity.Parse("Commuting").Value);
        Assert.Equal(Activity.PresenceUnknown, Activity.Parse("\u0000"));
    }
}
