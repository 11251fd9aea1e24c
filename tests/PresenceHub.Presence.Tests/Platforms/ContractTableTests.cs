using PresenceHub.Presence.Platforms;

namespace PresenceHub.Presence.Tests.Platforms;

/// <summary>The rows of the platform table in GRAPH-CONTRACT.md, one Teams pair at a time.</summary>
public sealed class ContractTableTests
{
    private static PresenceState Teams(string availability, string activity, string? status = null) =>
        new(Availability.Parse(availability), Activity.Parse(activity), StatusMessage.Create(status));

    [Theory]
    [InlineData("Available", "Available", "auto", false, "")]
    [InlineData("AvailableIdle", "Inactive", "away", false, "")]
    [InlineData("Busy", "Busy", "auto", false, ":no_entry:")]
    [InlineData("Busy", "InACall", "auto", false, ":phone:")]
    [InlineData("Busy", "InAConferenceCall", "auto", false, ":phone:")]
    [InlineData("Busy", "InAMeeting", "auto", false, ":calendar:")]
    [InlineData("DoNotDisturb", "UrgentInterruptionsOnly", "auto", true, "")]
    [InlineData("DoNotDisturb", "Presenting", "auto", true, ":film_projector:")]
    [InlineData("Away", "BeRightBack", "away", false, "")]
    [InlineData("Offline", "OffWork", "away", false, "")]
    [InlineData("Offline", "OutOfOffice", "away", false, ":palm_tree:")]
    public void Slack(string availability, string activity, string presence, bool dnd, string emoji)
    {
        var slack = SlackPresenceMapping.Instance.ToPlatform(Teams(availability, activity));
        Assert.Equal(new SlackPresence(presence, dnd, emoji, ""), slack);
    }

    [Fact]
    public void Slack_StatusText_IsCutTo100Characters()
    {
        var slack = SlackPresenceMapping.Instance.ToPlatform(Teams("Available", "Available", new string('a', 150)));
        Assert.Equal(100, slack.StatusText.Length);
    }

    [Theory]
    [InlineData("Available", "Available", true, XmppShow.None, null)]
    [InlineData("AvailableIdle", "Inactive", true, XmppShow.Away, null)]
    [InlineData("Busy", "Busy", true, XmppShow.Dnd, "Busy")]
    [InlineData("Busy", "InACall", true, XmppShow.Dnd, "In a call")]
    [InlineData("Busy", "InAMeeting", true, XmppShow.Dnd, "In a meeting")]
    [InlineData("DoNotDisturb", "DoNotDisturb", true, XmppShow.Dnd, null)]
    [InlineData("DoNotDisturb", "Presenting", true, XmppShow.Dnd, "Presenting")]
    [InlineData("Away", "Away", true, XmppShow.Away, null)]
    [InlineData("Offline", "OffWork", false, XmppShow.None, null)]
    [InlineData("Offline", "OutOfOffice", true, XmppShow.Xa, "Out of office")]
    public void Xmpp(string availability, string activity, bool available, XmppShow show, string? status) =>
        Assert.Equal(new XmppPresence(available, show, status), XmppPresenceMapping.Instance.ToPlatform(Teams(availability, activity)));

    [Fact]
    public void Xmpp_OutOfOfficeMessage_IsTheStatus()
    {
        var state = new PresenceState(Availability.Away, Activity.Away, null, new OutOfOfficeSettings(true, "Back on Monday"));
        Assert.Equal(new XmppPresence(true, XmppShow.Xa, "Back on Monday"), XmppPresenceMapping.Instance.ToPlatform(state));
    }

    [Fact]
    public void Xmpp_DndWithCallLabel_ReadsBackAsCallWithoutStatusMessage()
    {
        var state = XmppPresenceMapping.Instance.FromPlatform(new XmppPresence(true, XmppShow.Dnd, "In a call"));
        Assert.Equal(PresenceCategory.InACall, state.Category);
        Assert.Null(state.StatusMessage);
    }

    [Theory]
    [InlineData("Available", "Available", "online", null)]
    [InlineData("AvailableIdle", "Inactive", "unavailable", null)]
    [InlineData("Busy", "InACall", "online", "In a call")]
    [InlineData("Busy", "InAMeeting", "online", "In a meeting")]
    [InlineData("DoNotDisturb", "DoNotDisturb", "unavailable", "Do not disturb")]
    [InlineData("DoNotDisturb", "Presenting", "unavailable", "Presenting")]
    [InlineData("Away", "Away", "unavailable", null)]
    [InlineData("Offline", "Offline", "offline", null)]
    [InlineData("Offline", "OutOfOffice", "unavailable", "Out of office")]
    public void Matrix(string availability, string activity, string presence, string? status) =>
        Assert.Equal(new MatrixPresence(presence, status), MatrixPresenceMapping.Instance.ToPlatform(Teams(availability, activity)));

    [Theory]
    [InlineData("Available", "Available", "active")]
    [InlineData("AvailableIdle", "Inactive", "inactive")]
    [InlineData("Busy", "Busy", "active")]
    [InlineData("Busy", "InAConferenceCall", "call")]
    [InlineData("Busy", "InAMeeting", "meeting")]
    [InlineData("DoNotDisturb", "DoNotDisturb", "DoNotDisturb")]
    [InlineData("DoNotDisturb", "Presenting", "presenting")]
    [InlineData("BeRightBack", "BeRightBack", "inactive")]
    [InlineData("Offline", "Offline", "inactive")]
    [InlineData("Offline", "OutOfOffice", "OutOfOffice")]
    [InlineData("PresenceUnknown", "PresenceUnknown", "unknown")]
    public void Webex(string availability, string activity, string status) =>
        Assert.Equal(new WebexPresence(status), WebexPresenceMapping.Instance.ToPlatform(Teams(availability, activity)));

    [Theory]
    [InlineData("Available", "Available", "Available", null)]
    [InlineData("AvailableIdle", "Inactive", "Away", null)]
    [InlineData("Busy", "Busy", "Available", "Busy")]
    [InlineData("Busy", "InACall", "On_Phone_Call", null)]
    [InlineData("Busy", "InAMeeting", "In_Meeting", null)]
    [InlineData("DoNotDisturb", "DoNotDisturb", "Do_Not_Disturb", null)]
    [InlineData("DoNotDisturb", "Presenting", "Presenting", null)]
    [InlineData("Away", "Away", "Away", null)]
    [InlineData("Offline", "OffWork", "Offline", null)]
    public void Zoom(string availability, string activity, string status, string? note) =>
        Assert.Equal(new ZoomPresence(status, note), ZoomPresenceMapping.Instance.ToPlatform(Teams(availability, activity)));

    [Theory]
    [InlineData("Available", "Available", true, null, false)]
    [InlineData("AvailableIdle", "Inactive", true, null, true)]
    [InlineData("Busy", "Busy", true, "busy", false)]
    [InlineData("Busy", "InACall", true, "on-the-phone", false)]
    [InlineData("Busy", "InAMeeting", true, "meeting", false)]
    [InlineData("DoNotDisturb", "DoNotDisturb", true, "busy", false)]
    [InlineData("DoNotDisturb", "Presenting", true, "presentation", false)]
    [InlineData("Away", "Away", true, "away", false)]
    [InlineData("Offline", "OffWork", false, null, false)]
    [InlineData("Offline", "OutOfOffice", true, "vacation", false)]
    public void Pidf(string availability, string activity, bool open, string? rpid, bool idle) =>
        Assert.Equal(new PidfPresence(open, rpid, idle), PidfPresenceMapping.Instance.ToPlatform(Teams(availability, activity)));

    [Theory]
    [InlineData("Available", "Available", "Available", "Available")]
    [InlineData("Busy", "Busy", "Busy", "InACall")]
    [InlineData("Busy", "InACall", "Busy", "InACall")]
    [InlineData("Busy", "InAConferenceCall", "Busy", "InAConferenceCall")]
    [InlineData("Busy", "InAMeeting", "Busy", "InAConferenceCall")]
    [InlineData("DoNotDisturb", "DoNotDisturb", "DoNotDisturb", "Presenting")]
    [InlineData("DoNotDisturb", "Presenting", "DoNotDisturb", "Presenting")]
    [InlineData("AvailableIdle", "Inactive", "Away", "Away")]
    [InlineData("Away", "Away", "Away", "Away")]
    [InlineData("Offline", "OutOfOffice", "Away", "Away")]
    public void TeamsSetPresence_UsesOnlyAllowedPairs(string availability, string activity, string setAvailability, string setActivity)
    {
        var session = TeamsSessionMapping.Instance.ToPlatform(Teams(availability, activity));
        Assert.NotNull(session);
        Assert.True(session.IsAllowed);
        Assert.Equal(new TeamsSessionPresence(Availability.Parse(setAvailability), Activity.Parse(setActivity)), session);
    }

    [Theory]
    [InlineData("Offline", "Offline")]
    [InlineData("PresenceUnknown", "PresenceUnknown")]
    public void TeamsSetPresence_OfflineOrUnknown_ClearsTheSession(string availability, string activity) =>
        Assert.Null(TeamsSessionMapping.Instance.ToPlatform(Teams(availability, activity)));

    [Theory]
    [InlineData("pending")]
    [InlineData("")]
    [InlineData("🙂")]
    public void Webex_UnknownStatus_IsPresenceUnknown(string status) =>
        Assert.Equal(PresenceState.Unknown, WebexPresenceMapping.Instance.FromPlatform(new WebexPresence(status)));

    [Fact]
    public void MalformedNativeValues_MapToDefinedFallbacks()
    {
        Assert.Equal(PresenceCategory.Away, SlackPresenceMapping.Instance.FromPlatform(new SlackPresence(null!, false, null!, null!)).Category);
        Assert.Equal(PresenceCategory.Available, XmppPresenceMapping.Instance.FromPlatform(new XmppPresence(true, (XmppShow)42)).Category);
        Assert.Equal(XmppShow.None, XmppPresence.ParseShow("<dnd/>"));
        Assert.Equal(PresenceCategory.Offline, MatrixPresenceMapping.Instance.FromPlatform(new MatrixPresence(null!)).Category);
        Assert.Equal(PresenceCategory.Offline, ZoomPresenceMapping.Instance.FromPlatform(new ZoomPresence("In_Calendar_Event")).Category);
        Assert.Equal(PresenceCategory.Available, PidfPresenceMapping.Instance.FromPlatform(new PidfPresence(true, "sleeping")).Category);
        Assert.Equal(PresenceCategory.InACall,
            TeamsSessionMapping.Instance.FromPlatform(new TeamsSessionPresence(Availability.Busy, Activity.Busy)).Category);
    }
}
