using CsCheck;
using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp.Tests.Protocol;

public sealed class JidEscapingTests
{
    [Theory]
    // The examples of XEP-0106 section 5.1 (local parts only).
    [InlineData("space cadet", @"space\20cadet")]
    [InlineData("call me \"ishmael\"", @"call\20me\20\22ishmael\22")]
    [InlineData("at&t guy", @"at\26t\20guy")]
    [InlineData("d'artagnan", @"d\27artagnan")]
    [InlineData("/.fanboy", @"\2f.fanboy")]
    [InlineData("::foo::", @"\3a\3afoo\3a\3a")]
    [InlineData("<foo>", @"\3cfoo\3e")]
    [InlineData("user@host", @"user\40host")]
    [InlineData(@"c:\net", @"c\3a\net")]
    [InlineData(@"c:\\net", @"c\3a\\net")]
    [InlineData(@"c:\cool stuff", @"c\3a\cool\20stuff")]
    [InlineData(@"c:\5commas", @"c\3a\5c5commas")]
    [InlineData("alice@contoso.com", @"alice\40contoso.com")]
    public void Escape_FollowsTheXepExamples_AndUnescapeReversesThem(string raw, string escaped)
    {
        Assert.Equal(escaped, JidEscaping.Escape(raw));
        Assert.Equal(raw, JidEscaping.Unescape(escaped));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    public void Escape_OfWhatXep0106CannotExpress_IsNull(string raw) => Assert.Null(JidEscaping.Escape(raw));

    [Fact]
    public void Escape_ThenUnescape_IsTheIdentity_AndTheResultHasNoCharacterAJidForbids()
    {
        Gen.String[Gen.Char["ab@ \\/:<>'\"&.5c2"], 1, 30]
            .Where(s => s[0] != ' ' && s[^1] != ' ')
            .Sample(raw =>
            {
                var escaped = JidEscaping.Escape(raw)!;
                Assert.Equal(raw, JidEscaping.Unescape(escaped));
                Assert.DoesNotContain(escaped, c => c is '@' or '/' or ' ' or ':' or '<' or '>' or '\'' or '"' or '&');
            });
    }
}
