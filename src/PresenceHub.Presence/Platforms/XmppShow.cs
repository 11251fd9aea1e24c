namespace PresenceHub.Presence.Platforms;

/// <summary>The <c>&lt;show/&gt;</c> values of RFC 6121 section 4.7.2.1.</summary>
public enum XmppShow
{
    /// <summary>No &lt;show/&gt;: available.</summary>
    None = 0,
    /// <summary>chat: available and eager to talk.</summary>
    Chat,
    /// <summary>away.</summary>
    Away,
    /// <summary>xa: extended away.</summary>
    Xa,
    /// <summary>dnd: do not disturb.</summary>
    Dnd,
}
