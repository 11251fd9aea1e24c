using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp.Tests.Protocol;

public sealed class ComponentConnectionTests
{
    private const string Domain = "teams.example.test";
    private const string Secret = "s3cret & <more>";
    private const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' " +
        "xmlns:stream='http://etherx.jabber.org/streams' id='3BF96D32' from='teams.example.test'>";

    private static readonly string Proof = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("3BF96D32" + Secret)));

    [Fact]
    public async Task Handshake_SendsTheSha1OfStreamIdAndSecret_ThenStanzasFlowBothWays()
    {
        await using var server = new ScriptedXmppServer(Header, proof => proof == Proof ? "<handshake/>" : "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        await using var connection = await ComponentConnection.ConnectAsync("127.0.0.1", server.Port, Domain, Secret, XmppLimits.Default, CancellationToken.None);

        Assert.Contains($"to='{Domain}'", server.Received.ToString(), StringComparison.Ordinal);
        await connection.SendAsync(new XElement(XmppNames.Component + "presence", new XAttribute("to", "carol@localhost"), new XElement(XmppNames.Component + "status", "a < b")),
            CancellationToken.None);
        var sent = await server.ReceivedWhenAsync("</presence>");
        Assert.Contains("<presence to=\"carol@localhost\" xmlns=\"jabber:component:accept\"><status>a &lt; b</status></presence>", sent, StringComparison.Ordinal);

        await server.SendAsync("<presence from='carol@localhost/pc' to='x@teams.example.test'/></stream:stream>");
        var stanza = await connection.ReadStanzaAsync(CancellationToken.None);
        Assert.Equal("carol@localhost/pc", (string?)stanza!.Attribute("from"));
        Assert.Null(await connection.ReadStanzaAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WrongSecret_IsNotAuthorized()
    {
        await using var server = new ScriptedXmppServer(Header,
            _ => "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
        var error = await Assert.ThrowsAsync<XmppStreamException>(() =>
            ComponentConnection.ConnectAsync("127.0.0.1", server.Port, Domain, "wrong", XmppLimits.Default, CancellationToken.None));
        Assert.True(error.IsNotAuthorized);
    }

    [Fact]
    public async Task StreamErrorDuringTheSession_EndsItWithTheServersCondition()
    {
        await using var server = new ScriptedXmppServer(Header, _ => "<handshake/>");
        await using var connection = await ComponentConnection.ConnectAsync("127.0.0.1", server.Port, Domain, Secret, XmppLimits.Default, CancellationToken.None);
        await server.SendAsync("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        var error = await Assert.ThrowsAsync<XmppStreamException>(() => connection.ReadStanzaAsync(CancellationToken.None));
        Assert.Equal("conflict", error.Condition);
    }

    [Fact]
    public async Task HeaderWithoutId_IsRefused()
    {
        await using var server = new ScriptedXmppServer("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>", _ => "<handshake/>");
        var error = await Assert.ThrowsAsync<XmppStreamException>(() =>
            ComponentConnection.ConnectAsync("127.0.0.1", server.Port, Domain, Secret, XmppLimits.Default, CancellationToken.None));
        Assert.Equal("invalid-id", error.Condition);
    }

    [Fact]
    public async Task HostileHeader_FailsTheConnect()
    {
        await using var server = new ScriptedXmppServer(
            "<?xml version='1.0'?><!DOCTYPE s [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><stream:stream id='&b;'>",
            _ => "<handshake/>");
        var error = await Assert.ThrowsAsync<XmppStreamException>(() =>
            ComponentConnection.ConnectAsync("127.0.0.1", server.Port, Domain, Secret, XmppLimits.Default, CancellationToken.None));
        Assert.Equal("restricted-xml", error.Condition);
    }

    [Fact]
    public async Task SilentServer_IsAbandonedWhenTheConnectIsCancelled()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var cancel = new CancellationTokenSource();
        var connect = ComponentConnection.ConnectAsync("127.0.0.1", ((System.Net.IPEndPoint)listener.LocalEndpoint).Port, Domain, Secret,
            XmppLimits.Default, cancel.Token);
        using var accepted = await listener.AcceptTcpClientAsync();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect);
    }
}
