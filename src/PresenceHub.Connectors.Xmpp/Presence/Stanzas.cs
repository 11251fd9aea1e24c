using System.Xml.Linq;
using PresenceHub.Connectors.Xmpp.Protocol;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Connectors.Xmpp.Presence;

/// <summary>Builds the stanzas the component sends.</summary>
internal static class Stanzas
{
    private static readonly XName PresenceName = XmppNames.Component + "presence";

    /// <summary>A presence broadcast (RFC 6121 section 4.4): no type with &lt;show&gt;/&lt;status&gt;, or unavailable.</summary>
    public static XElement Presence(Jid from, Jid to, XmppPresence presence)
    {
        var stanza = new XElement(PresenceName, new XAttribute("from", from), new XAttribute("to", to));
        if (!presence.IsAvailable)
        {
            stanza.SetAttributeValue("type", "unavailable");
        }
        else if (ShowWord(presence.Show) is { } show)
        {
            stanza.Add(new XElement(XmppNames.Component + "show", show));
        }

        if (!string.IsNullOrEmpty(presence.Status))
        {
            stanza.Add(new XElement(XmppNames.Component + "status", presence.Status));
        }

        return stanza;
    }

    /// <summary>A subscription stanza: <c>subscribed</c>, <c>unsubscribed</c>, ...</summary>
    public static XElement Subscription(Jid from, Jid to, string type) =>
        new(PresenceName, new XAttribute("from", from), new XAttribute("to", to), new XAttribute("type", type));

    /// <summary>The answer to an IQ: an empty result, or an error with <paramref name="condition"/>.</summary>
    public static XElement IqReply(XElement iq, string? condition)
    {
        var reply = new XElement(XmppNames.Component + "iq",
            new XAttribute("type", condition is null ? "result" : "error"),
            new XAttribute("id", (string?)iq.Attribute("id") ?? string.Empty));
        if ((string?)iq.Attribute("to") is { } from)
        {
            reply.SetAttributeValue("from", from);
        }

        if ((string?)iq.Attribute("from") is { } to)
        {
            reply.SetAttributeValue("to", to);
        }

        if (condition is not null)
        {
            reply.Add(new XElement(XmppNames.Component + "error", new XAttribute("type", "cancel"),
                new XElement(XmppNames.StanzaErrors + condition)));
        }

        return reply;
    }

    private static string? ShowWord(XmppShow show) => show switch
    {
        XmppShow.Away => "away",
        XmppShow.Xa => "xa",
        XmppShow.Dnd => "dnd",
        XmppShow.Chat => "chat",
        _ => null,
    };
}
