namespace PresenceHub.Presence.Tests;

public sealed class PlatformTests
{
    [Fact]
    public void Parse_IsCaseInsensitive() => Assert.Equal(Platform.Xmpp, Platform.Parse("XMPP"));

    [Fact]
    public void Parse_CustomPlatform_IsKept() => Assert.Equal("mattermost", Platform.Parse("Mattermost").Id);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("slack!")]
    [InlineData("-slack")]
    [InlineData("a-platform-name-that-is-far-too-long")]
    public void Parse_Malformed_ThrowsErrorNamingTheRule(string? value)
    {
        var error = Assert.Throws<FormatException>(() => Platform.Parse(value));
        Assert.Contains("letters, digits or '-'", error.Message);
    }

    [Fact]
    public void OrganizationId_RejectsEmptyAndMalformed()
    {
        Assert.False(OrganizationId.TryParse(Guid.Empty.ToString(), out _));
        Assert.Throws<FormatException>(() => OrganizationId.Parse("contoso"));
        Assert.Equal("6f1c8b2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b", OrganizationId.Parse("6F1C8B2E-3A4D-4E5F-8A9B-0C1D2E3F4A5B").ToString());
    }
}
