using System.Xml.Linq;

namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>The XML namespaces of the XMPP subset the component speaks.</summary>
internal static class XmppNames
{
    /// <summary>The stanza namespace of an external component's stream (XEP-0114).</summary>
    public static readonly XNamespace Component = "jabber:component:accept";

    /// <summary>The stream namespace (RFC 6120), prefix <c>stream</c>.</summary>
    public static readonly XNamespace Streams = "http://etherx.jabber.org/streams";

    /// <summary>Stream error conditions (RFC 6120 section 4.9.3).</summary>
    public static readonly XNamespace StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";

    /// <summary>Stanza error conditions (RFC 6120 section 8.3.3).</summary>
    public static readonly XNamespace StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

    /// <summary>XMPP Ping (XEP-0199).</summary>
    public static readonly XNamespace Ping = "urn:xmpp:ping";
}
