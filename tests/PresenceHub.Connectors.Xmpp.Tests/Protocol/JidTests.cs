using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp.Tests.Protocol;

public sealed class JidTests
{
    [Theory]
    [InlineData("carol@localhost/phone", "carol", "localhost", "phone")]
    [InlineData("carol@LocalHost", "carol", "localhost", null)]
    [InlineData(@"alice\40contoso.com@teams.example.test", @"alice\40contoso.com", "teams.example.test", null)]
    [InlineData("teams.example.test", null, "teams.example.test", null)]
    [InlineData("carol@localhost/with/slash@and-at", "carol", "localhost", "with/slash@and-at")]
    public void TryParse_SplitsLocalDomainAndResource(string value, string? local, string domain, string? resource)
    {
        Assert.True(Jid.TryParse(value, out var jid));
        Assert.Equal(new Jid(local, domain, resource), jid);
        Assert.Equal(new Jid(local, domain, null), jid.Value.Bare);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("@localhost")]
    [InlineData("carol@")]
    [InlineData("carol@localhost/")]
    [InlineData("a@b@c")]
    [InlineData("carol@local\u0000host")]
    public void TryParse_RefusesMalformedAddresses(string? value) => Assert.False(Jid.TryParse(value, out _));
}
