using System.Text;
using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp.Tests.Protocol;

/// <summary>
/// The inbound XML stream, including what a hostile or broken server could send. Every hostile input must end in an
/// <see cref="XmppStreamException"/> after reading a bounded number of bytes (endless inputs prove the bound).
/// </summary>
public sealed class XmppStreamReaderTests
{
    private const string Header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' " +
        "id='abc123' from='teams.example.test'>";

    private static readonly XmppLimits Limits = new(MaxStanzaBytes: 4096, MaxStreamBytes: 1024 * 1024, MaxDepth: 8);

    [Fact]
    public async Task ReadsHeaderAndStanzas_SkippingKeepAlives_UntilTheStreamCloses()
    {
        using var reader = Reader(Header + "<handshake/> \n <presence from='carol@localhost/pc' to='alice\\40contoso.com@teams.example.test'>" +
            "<show>dnd</show><status>Focusing &amp; &#x263A; <![CDATA[<raw>]]></status></presence>  </stream:stream>");

        var header = await reader.ReadHeaderAsync();
        Assert.Equal(new XmppStreamHeader("abc123", "teams.example.test"), header);
        Assert.Equal(XmppNames.Component + "handshake", (await reader.ReadStanzaAsync())!.Name);
        var presence = (await reader.ReadStanzaAsync())!;
        Assert.Equal("carol@localhost/pc", (string?)presence.Attribute("from"));
        Assert.Equal("dnd", (string?)presence.Element(XmppNames.Component + "show"));
        Assert.Equal("Focusing & \u263A <raw>", (string?)presence.Element(XmppNames.Component + "status"));
        Assert.Null(await reader.ReadStanzaAsync());
    }

    [Fact]
    public async Task StanzaOfAnotherNamespace_KeepsItsNamespace()
    {
        using var reader = Reader(Header + "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
        await reader.ReadHeaderAsync();
        var iq = (await reader.ReadStanzaAsync())!;
        Assert.Equal(XmppNames.Ping + "ping", iq.Elements().Single().Name);
    }

    [Fact]
    public async Task BillionLaughs_IsRefusedAtTheDtd_BeforeAnyExpansion()
    {
        var laughs = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol0 'lol'>");
        for (var i = 1; i < 10; i++)
        {
            laughs.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} '{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}'>");
        }

        laughs.Append("]><stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='x'>&lol9;");
        using var reader = Reader(laughs.ToString());

        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadHeaderAsync);
        Assert.Equal("restricted-xml", error.Condition);
        Assert.True(reader.BytesRead <= laughs.Length + XmppLimits.ReadAheadBytes);
    }

    [Fact]
    public async Task ExternalEntity_IsRefusedWithoutFetchingAnything()
    {
        using var reader = Reader("<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>" +
            "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='x'>&xxe;");
        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadHeaderAsync);
        Assert.Equal("restricted-xml", error.Condition);
    }

    [Fact]
    public async Task UndeclaredEntityInAStanza_IsNotWellFormed()
    {
        using var reader = Reader(Header + "<presence><status>&xxe;</status></presence>");
        await reader.ReadHeaderAsync();
        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadStanzaAsync);
        Assert.Equal("not-well-formed", error.Condition);
    }

    [Fact]
    public async Task DtdAfterTheHeader_IsRefused()
    {
        using var reader = Reader(Header + "<!DOCTYPE x [<!ENTITY a 'b'>]><presence/>");
        await reader.ReadHeaderAsync();
        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadStanzaAsync);
        Assert.Contains(error.Condition, new[] { "restricted-xml", "not-well-formed" });
    }

    [Theory]
    [InlineData("<message><body>", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("<message to='", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    [InlineData("<message", "cccccccccccccccccccccccccccccccccccccccccccccccccccccc")]
    [InlineData("<message><body>", "<b/>")]
    public async Task EndlessStanza_IsCutAtTheStanzaLimit(string start, string filler)
    {
        var peer = new EndlessStream(Header + start, filler);
        using var reader = new XmppStreamReader(peer, Limits);
        await reader.ReadHeaderAsync();

        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadStanzaAsync);
        Assert.Equal("policy-violation", error.Condition);
        // What the reader had buffered when the stanza began, the stanza budget, and the read-ahead allowance.
        Assert.True(peer.BytesServed <= Limits.MaxStanzaBytes + (3 * XmppLimits.ReadAheadBytes),
            $"read {peer.BytesServed} bytes for a {Limits.MaxStanzaBytes}-byte stanza limit");
    }

    [Fact]
    public async Task EndlessWhitespaceBetweenStanzas_IsCutAtTheStanzaLimit()
    {
        var peer = new EndlessStream(Header, " ");
        using var reader = new XmppStreamReader(peer, Limits);
        await reader.ReadHeaderAsync();
        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadStanzaAsync);
        Assert.Equal("policy-violation", error.Condition);
    }

    [Fact]
    public async Task EndlessHeader_IsCutAtTheStanzaLimit()
    {
        var peer = new EndlessStream("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='", "x");
        using var reader = new XmppStreamReader(peer, Limits);
        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadHeaderAsync);
        Assert.Equal("policy-violation", error.Condition);
        Assert.True(peer.BytesServed <= Limits.MaxStanzaBytes + (3 * XmppLimits.ReadAheadBytes));
    }

    [Fact]
    public async Task EndlessSmallStanzas_AreCutAtTheStreamLimit()
    {
        var peer = new EndlessStream(Header, "<presence from='a@b' to='c@d'/>");
        using var reader = new XmppStreamReader(peer, Limits);
        await reader.ReadHeaderAsync();
        var stanzas = 0;
        var error = await Assert.ThrowsAsync<XmppStreamException>(async () =>
        {
            while (await reader.ReadStanzaAsync() is not null)
            {
                stanzas++;
            }
        });
        Assert.Equal("policy-violation", error.Condition);
        Assert.True(stanzas > 1000, $"only {stanzas} stanzas before the limit");
        Assert.True(peer.BytesServed <= Limits.MaxStreamBytes + XmppLimits.ReadAheadBytes);
    }

    [Fact]
    public async Task DeepNesting_IsCutAtTheDepthLimit()
    {
        var peer = new EndlessStream(Header + "<message>", "<a>");
        using var reader = new XmppStreamReader(peer, Limits with { MaxStanzaBytes = 1024 * 1024 });
        await reader.ReadHeaderAsync();
        var error = await Assert.ThrowsAsync<XmppStreamException>(reader.ReadStanzaAsync);
        Assert.Equal("policy-violation", error.Condition);
        Assert.Contains("deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestingWithinTheLimit_IsRead()
    {
        using var reader = Reader(Header + "<message><a><b><c><d><e><f><g/></f></e></d></c></b></a></message>");
        await reader.ReadHeaderAsync();
        var message = (await reader.ReadStanzaAsync())!;
        Assert.Equal(8, message.DescendantsAndSelf().Count());
    }

    [Theory]
    [InlineData(Header + "<presence/>")]
    [InlineData(Header + "<presence><status>half")]
    [InlineData(Header + "<presence to='x")]
    public async Task UnclosedStream_FailsWhenThePeerHangsUp(string xml)
    {
        using var reader = Reader(xml);
        await reader.ReadHeaderAsync();
        var error = await Assert.ThrowsAsync<XmppStreamException>(async () =>
        {
            while (await reader.ReadStanzaAsync() is not null)
            {
            }
        });
        Assert.Contains(error.Condition, new[] { "connection-timeout", "not-well-formed" });
    }

    [Theory]
    [InlineData("<presence><status>a</show></presence>", "not-well-formed")]
    [InlineData("<presence a='1' a='2'/>", "not-well-formed")]
    [InlineData("text between stanzas<presence/>", "restricted-xml")]
    [InlineData("<presence><?pi x?></presence>\u0001", "not-well-formed")]
    [InlineData("<undeclared:presence/>", "not-well-formed")]
    public async Task MalformedStanzas_EndTheStream(string stanzas, string condition)
    {
        using var reader = Reader(Header + stanzas);
        await reader.ReadHeaderAsync();
        var error = await Assert.ThrowsAsync<XmppStreamException>(async () =>
        {
            while (await reader.ReadStanzaAsync() is not null)
            {
            }
        });
        Assert.Equal(condition, error.Condition);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html xmlns='http://www.w3.org/1999/xhtml'>")]
    [InlineData("not xml at all")]
    public async Task SomethingOtherThanAStream_IsRefused(string xml)
    {
        using var reader = Reader(xml);
        await Assert.ThrowsAsync<XmppStreamException>(reader.ReadHeaderAsync);
    }

    [Fact]
    public async Task Stanzas_BeforeTheHeader_AreAProgrammingError()
    {
        using var reader = Reader(Header);
        await Assert.ThrowsAsync<InvalidOperationException>(reader.ReadStanzaAsync);
    }

    private static XmppStreamReader Reader(string xml) => new(new MemoryStream(Encoding.UTF8.GetBytes(xml)), Limits);
}
