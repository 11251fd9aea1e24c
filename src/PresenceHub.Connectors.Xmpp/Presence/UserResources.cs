using PresenceHub.Presence.Platforms;

namespace PresenceHub.Connectors.Xmpp.Presence;

/// <summary>
/// The online resources (clients) of one XMPP user and the presence last published for them. The user's presence is
/// that of the resource that changed last; unavailable once no resource is left.
/// </summary>
internal sealed class UserResources
{
    // Ordered by last change; few entries per user.
    private readonly List<(string Resource, XmppPresence Presence)> _resources = [];

    public XmppPresence? Published { get; set; }

    public XmppPresence Update(string resource, XmppPresence presence)
    {
        _resources.RemoveAll(r => string.Equals(r.Resource, resource, StringComparison.Ordinal));
        if (presence.IsAvailable)
        {
            _resources.Add((resource, presence));
        }

        return _resources.Count == 0 ? new XmppPresence(false) : _resources[^1].Presence;
    }
}
