using System.Collections.Concurrent;
using System.Xml.Linq;
using PresenceHub.Connectors.Xmpp.Presence;

namespace PresenceHub.Connectors.Xmpp.Tests.Presence;

/// <summary>Records the stanzas the router sends, as a connected component link would send them.</summary>
internal sealed class RecordingSender : IStanzaSender
{
    public ConcurrentQueue<XElement> Sent { get; } = new();

    public bool Connected { get; set; } = true;

    public ValueTask<bool> SendAsync(XElement stanza, CancellationToken cancellationToken)
    {
        if (Connected)
        {
            Sent.Enqueue(stanza);
        }

        return ValueTask.FromResult(Connected);
    }

    public IReadOnlyList<XElement> To(string bareJid) =>
        Sent.Where(s => ((string?)s.Attribute("to"))?.Split('/')[0] == bareJid).ToList();

    /// <summary>"subscribed", "unsubscribed", "unavailable", or "available show status" of a stanza.</summary>
    public static string Describe(XElement stanza)
    {
        var ns = stanza.Name.Namespace;
        return (string?)stanza.Attribute("type") ?? $"available {(string?)stanza.Element(ns + "show") ?? "-"} {(string?)stanza.Element(ns + "status")}".TrimEnd();
    }
}
