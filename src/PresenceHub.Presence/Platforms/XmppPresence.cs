namespace PresenceHub.Presence.Platforms;

/// <summary>An XMPP presence (RFC 6121): available or unavailable, a &lt;show/&gt; and a &lt;status/&gt; text.</summary>
/// <param name="IsAvailable">False for <c>type='unavailable'</c>.</param>
/// <param name="Show">The &lt;show/&gt; value; ignored when unavailable.</param>
/// <param name="Status">The &lt;status/&gt; text; null for none.</param>
public sealed record XmppPresence(bool IsAvailable, XmppShow Show = XmppShow.None, string? Status = null)
{
    /// <summary>Reads a &lt;show/&gt; element's text; anything RFC 6121 does not define reads as <see cref="XmppShow.None"/>.</summary>
    public static XmppShow ParseShow(string? show) => show?.Trim() switch
    {
        "chat" => XmppShow.Chat,
        "away" => XmppShow.Away,
        "xa" => XmppShow.Xa,
        "dnd" => XmppShow.Dnd,
        _ => XmppShow.None,
    };
}
