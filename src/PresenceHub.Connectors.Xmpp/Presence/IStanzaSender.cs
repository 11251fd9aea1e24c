using System.Xml.Linq;

namespace PresenceHub.Connectors.Xmpp.Presence;

/// <summary>Sends stanzas to the XMPP server over whichever component connection is up.</summary>
internal interface IStanzaSender
{
    /// <summary>Sends one stanza; false when no connection is up or it broke (the reconnect re-sends all presence).</summary>
    ValueTask<bool> SendAsync(XElement stanza, CancellationToken cancellationToken);
}
