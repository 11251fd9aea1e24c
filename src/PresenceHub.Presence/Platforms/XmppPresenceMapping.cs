namespace PresenceHub.Presence.Platforms;

/// <summary>
/// XMPP (RFC 6121): no &lt;show/&gt; for available, <c>away</c> for idle and away, <c>dnd</c> with a status for
/// busy, calls, meetings and presenting, <c>xa</c> with a status for out of office, and <c>type='unavailable'</c>
/// for offline. The status is the user's own text, or a label such as "In a call" that reads back as the category.
/// </summary>
public sealed class XmppPresenceMapping : IPresenceMapping<XmppPresence>
{
    /// <summary>The shared instance.</summary>
    public static XmppPresenceMapping Instance { get; } = new();

    /// <inheritdoc />
    public Platform Platform => Platform.Xmpp;

    /// <inheritdoc />
    public XmppPresence ToPlatform(PresenceState state)
    {
        var category = state.Category;
        return category switch
        {
            PresenceCategory.Available => new(true, XmppShow.None, state.DisplayText),
            PresenceCategory.Idle or PresenceCategory.Away => new(true, XmppShow.Away, state.DisplayText),
            PresenceCategory.DoNotDisturb => new(true, XmppShow.Dnd, state.DisplayText),
            PresenceCategory.Busy or PresenceCategory.InACall or PresenceCategory.InAMeeting or PresenceCategory.Presenting =>
                new(true, XmppShow.Dnd, PresenceLabels.TextOrLabel(state, category)),
            PresenceCategory.OutOfOffice => new(true, XmppShow.Xa, PresenceLabels.TextOrLabel(state, category)),
            _ => new(false, XmppShow.None, state.DisplayText),
        };
    }

    /// <inheritdoc />
    public PresenceState FromPlatform(XmppPresence native)
    {
        if (!native.IsAvailable)
        {
            return PresenceLabels.State(PresenceCategory.Offline, native.Status);
        }

        var category = native.Show switch
        {
            XmppShow.Away => PresenceCategory.Away,
            XmppShow.Xa => PresenceCategory.OutOfOffice,
            XmppShow.Dnd => PresenceLabels.Match(native.Status, PresenceCategory.Busy, PresenceCategory.InACall,
                PresenceCategory.InAMeeting, PresenceCategory.Presenting) ?? PresenceCategory.DoNotDisturb,
            _ => PresenceCategory.Available,
        };
        return PresenceLabels.State(category, native.Status);
    }
}
