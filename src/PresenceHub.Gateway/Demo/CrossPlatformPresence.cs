using PresenceHub.Presence;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Gateway.Demo;

/// <summary>How other platforms' connectors would show a presence, through the shared mappings, in a few characters.</summary>
internal static class CrossPlatformPresence
{
    /// <summary>Teams' pair, e.g. <c>Busy/InAMeeting</c>.</summary>
    public static string Teams(PresenceState state) => $"{state.Availability}/{state.Activity}";

    /// <summary>The XMPP token: <c>available</c>, <c>away</c>, <c>xa</c>, <c>dnd</c> or <c>unavailable</c>.</summary>
    public static string XmppToken(PresenceState state)
    {
        var xmpp = XmppPresenceMapping.Instance.ToPlatform(state);
        if (!xmpp.IsAvailable)
        {
            return "unavailable";
        }

        return xmpp.Show switch
        {
            XmppShow.None => "available",
            XmppShow.Chat => "chat",
            XmppShow.Away => "away",
            XmppShow.Xa => "xa",
            _ => "dnd",
        };
    }

    /// <summary>The XMPP presence with its status text, e.g. <c>dnd "In a meeting"</c>.</summary>
    public static string Xmpp(PresenceState state)
    {
        var status = XmppPresenceMapping.Instance.ToPlatform(state).Status;
        return status is null ? XmppToken(state) : $"{XmppToken(state)} \"{status}\"";
    }

    /// <summary>The Slack token: <c>auto</c> or <c>away</c>, <c>+dnd</c> when snoozed, and the status emoji.</summary>
    public static string SlackToken(PresenceState state)
    {
        var slack = SlackPresenceMapping.Instance.ToPlatform(state);
        return slack.Presence + (slack.DoNotDisturb ? "+dnd" : "") + slack.StatusEmoji;
    }
}
