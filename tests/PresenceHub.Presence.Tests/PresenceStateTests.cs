namespace PresenceHub.Presence.Tests;

public sealed class PresenceStateTests
{
    [Theory]
    [InlineData("Available", "Available", PresenceCategory.Available)]
    [InlineData("AvailableIdle", "Available", PresenceCategory.Idle)]
    [InlineData("Available", "Inactive", PresenceCategory.Idle)]
    [InlineData("Busy", "Busy", PresenceCategory.Busy)]
    [InlineData("BusyIdle", "Busy", PresenceCategory.Busy)]
    [InlineData("Busy", "InACall", PresenceCategory.InACall)]
    [InlineData("Busy", "InAConferenceCall", PresenceCategory.InACall)]
    [InlineData("Busy", "InAMeeting", PresenceCategory.InAMeeting)]
    [InlineData("DoNotDisturb", "Presenting", PresenceCategory.Presenting)]
    [InlineData("DoNotDisturb", "DoNotDisturb", PresenceCategory.DoNotDisturb)]
    [InlineData("DoNotDisturb", "UrgentInterruptionsOnly", PresenceCategory.DoNotDisturb)]
    [InlineData("Away", "Away", PresenceCategory.Away)]
    [InlineData("BeRightBack", "BeRightBack", PresenceCategory.Away)]
    [InlineData("Offline", "OffWork", PresenceCategory.Offline)]
    [InlineData("Offline", "OutOfOffice", PresenceCategory.OutOfOffice)]
    [InlineData("PresenceUnknown", "PresenceUnknown", PresenceCategory.Unknown)]
    [InlineData("Focusing", "Busy", PresenceCategory.Busy)]
    [InlineData("Focusing", "Quantum", PresenceCategory.Unknown)]
    public void Category_OfTeamsPair_FollowsContractTable(string availability, string activity, PresenceCategory expected) =>
        Assert.Equal(expected, new PresenceState(Availability.Parse(availability), Activity.Parse(activity)).Category);

    [Fact]
    public void Category_OutOfOfficeWhileInACall_IsInACall()
    {
        var state = new PresenceState(Availability.Busy, Activity.InACall, null, new OutOfOfficeSettings(true, "Back Monday"));
        Assert.Equal(PresenceCategory.InACall, state.Category);
    }

    [Fact]
    public void Category_OutOfOfficeSettingsWhileAvailable_IsOutOfOffice()
    {
        var state = new PresenceState(Availability.Available, Activity.Available, null, new OutOfOfficeSettings(true, "Back Monday"));
        Assert.Equal(PresenceCategory.OutOfOffice, state.Category);
        Assert.Equal("Back Monday", state.DisplayText);
    }

    [Fact]
    public void ForCategory_OfEachCategory_HasThatCategory()
    {
        foreach (var category in Enum.GetValues<PresenceCategory>())
        {
            Assert.Equal(category, PresenceState.ForCategory(category).Category);
        }
    }

    [Fact]
    public void StatusMessage_IsTrimmedAndCutAtCharacterBoundary()
    {
        var message = new StatusMessage("  " + new string('x', 279) + "😀 tail");
        Assert.Equal(279, message.Content.Length);
        Assert.Null(StatusMessage.Create(" \t "));
        Assert.Throws<ArgumentException>(() => new StatusMessage(" "));
    }
}
