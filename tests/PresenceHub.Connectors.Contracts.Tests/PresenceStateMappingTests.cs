using CsCheck;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PresenceHub.Presence;

namespace PresenceHub.Connectors.Contracts.Tests;

public sealed class PresenceStateMappingTests
{
    private static readonly Gen<string> Word = Gen.OneOf(
        Gen.OneOf("Available", "AvailableIdle", "Away", "BeRightBack", "Busy", "BusyIdle", "DoNotDisturb", "Offline",
            "PresenceUnknown", "InACall", "InAMeeting", "Presenting", "OutOfOffice", "OffWork", "UrgentInterruptionsOnly"),
        Gen.OneOf("Focusing", "InAnUnknownState", "DeepWork_2"),
        Gen.String[Gen.Char.AlphaNumeric, 1, 20]);

    private static readonly Gen<DateTimeOffset?> Expiry = Gen.OneOf(
        Gen.Const((DateTimeOffset?)null),
        Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks / 2].Select(ticks => (DateTimeOffset?)new DateTimeOffset(ticks, TimeSpan.Zero)));

    private static readonly Gen<PresenceState> State =
        Gen.Select(Word, Word, Gen.String[0, 300], Expiry, Gen.Bool, Gen.OneOf(Gen.Const((string?)null), Gen.String[1, 50].Select(s => (string?)s)))
            .Select(t => new PresenceState(
                Availability.Parse(t.Item1),
                Activity.Parse(t.Item2),
                StatusMessage.Create(t.Item3, t.Item4),
                t.Item5 ? new OutOfOfficeSettings(true, string.IsNullOrEmpty(t.Item6) ? null : t.Item6) : null));

    [Fact]
    public void PresenceState_RoundTripsThroughTheWire_IncludingUnknownValues() =>
        State.Sample(state =>
        {
            var wire = V1.PresenceState.Parser.ParseFrom(PresenceStateMapping.ToProto(state).ToByteArray());
            Assert.Equal(state, PresenceStateMapping.ToModel(wire));
        });

    [Fact]
    public void UnknownWireValues_AreKeptAsReceived()
    {
        var state = PresenceStateMapping.ToModel(new V1.PresenceState { Availability = "focusing", Activity = "InAHuddle" });

        Assert.Equal("focusing", state.Availability.Value);
        Assert.False(state.Availability.IsKnown);
        Assert.Equal("InAHuddle", state.Activity.Value);
    }

    [Fact]
    public void KnownWireValues_AreCanonicalizedWhateverTheirCase()
    {
        var state = PresenceStateMapping.ToModel(new V1.PresenceState { Availability = "donotdisturb", Activity = "PRESENTING" });

        Assert.Equal(Availability.DoNotDisturb, state.Availability);
        Assert.Equal("Presenting", state.Activity.Value);
    }

    [Fact]
    public void MalformedOrEmptyWireValues_ArePresenceUnknown()
    {
        var state = PresenceStateMapping.ToModel(new V1.PresenceState { Availability = "not a word!", Activity = string.Empty });

        Assert.Equal(Availability.PresenceUnknown, state.Availability);
        Assert.Equal(Activity.PresenceUnknown, state.Activity);
    }

    [Fact]
    public void MissingPresence_IsUnknown() =>
        Assert.Equal(PresenceState.Unknown, PresenceStateMapping.ToModel(null));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BlankStatusMessage_IsNoMessage(string content)
    {
        var proto = new V1.PresenceState
        {
            Availability = "Available",
            Activity = "Available",
            StatusMessage = new V1.StatusMessage { Content = content, ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) },
        };

        Assert.Null(PresenceStateMapping.ToModel(proto).StatusMessage);
    }

    [Fact]
    public void OutOfOffice_WithAnEmptyMessage_HasNoMessage_AndWritesItBackEmpty()
    {
        var state = PresenceStateMapping.ToModel(new V1.PresenceState
        {
            Availability = "Away",
            Activity = "OutOfOffice",
            OutOfOffice = new V1.OutOfOfficeSettings { IsOutOfOffice = true },
        });

        Assert.Equal(OutOfOfficeSettings.Away, state.OutOfOffice);
        Assert.Equal(string.Empty, PresenceStateMapping.ToProto(state).OutOfOffice.Message);
    }

    [Fact]
    public void StatusMessage_KeepsItsExpiry()
    {
        var expiry = new DateTimeOffset(2026, 12, 7, 18, 30, 0, TimeSpan.Zero);
        var proto = PresenceStateMapping.ToProto(new PresenceState(Availability.Busy, Activity.InAMeeting, new StatusMessage("Planning", expiry)));

        Assert.Equal("Planning", proto.StatusMessage.Content);
        Assert.Equal(expiry, proto.StatusMessage.ExpiresAt.ToDateTimeOffset());
        Assert.Null(proto.OutOfOffice);
    }
}
