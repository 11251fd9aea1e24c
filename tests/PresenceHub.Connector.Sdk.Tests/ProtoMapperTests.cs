using CsCheck;
using Google.Protobuf;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk.Tests;

public sealed class ProtoMapperTests
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
            var wire = V1.PresenceState.Parser.ParseFrom(ProtoMapper.ToProto(state).ToByteArray());
            Assert.Equal(state, ProtoMapper.ToModel(wire));
        });

    [Fact]
    public void UnknownWireValues_AreKeptAsReceived()
    {
        var state = ProtoMapper.ToModel(new V1.PresenceState { Availability = "focusing", Activity = "InAHuddle" });

        Assert.Equal("focusing", state.Availability.Value);
        Assert.False(state.Availability.IsKnown);
        Assert.Equal("InAHuddle", state.Activity.Value);
    }

    [Fact]
    public void KnownWireValues_AreCanonicalizedWhateverTheirCase()
    {
        var state = ProtoMapper.ToModel(new V1.PresenceState { Availability = "donotdisturb", Activity = "PRESENTING" });

        Assert.Equal(Availability.DoNotDisturb, state.Availability);
        Assert.Equal("Presenting", state.Activity.Value);
    }

    [Fact]
    public void MissingPresence_IsUnknown() =>
        Assert.Equal(PresenceState.Unknown, ProtoMapper.ToModel((V1.PresenceState?)null));

    [Fact]
    public void Event_WithoutAValidOrganization_IsSkipped()
    {
        var proto = PresenceEvent("not-a-guid");

        Assert.Null(ProtoMapper.ToModel(proto));
    }

    [Fact]
    public void Event_OfAnUnknownKind_IsSkipped()
    {
        var proto = PresenceEvent(Guid.NewGuid().ToString());
        proto.Kind = (V1.EventKind)42;

        Assert.Null(ProtoMapper.ToModel(proto));
    }

    [Fact]
    public void PresenceEvent_CarriesSourceOriginVersionAndTrace()
    {
        var organization = Guid.NewGuid();
        var proto = PresenceEvent(organization.ToString());

        var mapped = Assert.IsType<PresenceEvent>(ProtoMapper.ToModel(proto));

        Assert.Equal(new OrganizationId(organization), mapped.Update.Organization);
        Assert.Equal(Platform.Slack, mapped.Update.Source);
        Assert.Equal(Platform.Teams, mapped.Update.Origin);
        Assert.Equal("s0042", mapped.Update.Version.Stamp);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", mapped.TraceParent);
        Assert.Equal(2, mapped.CoalescedCount);
        Assert.True(mapped.IsSnapshot);
        Assert.Equal("user-1", mapped.Update.UserId);
    }

    private static V1.ConnectorEvent PresenceEvent(string organizationId) => new()
    {
        EventId = "e1",
        Cursor = "c1",
        Kind = V1.EventKind.Presence,
        OrganizationId = organizationId,
        User = new V1.TeamsUser { TeamsUserId = "user-1" },
        SourcePlatform = "slack",
        OriginPlatform = "teams",
        Version = "s0042",
        TraceContext = new V1.TraceContext { Traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        Presence = new V1.PresenceChange
        {
            Presence = new V1.PresenceState { Availability = "Busy", Activity = "InACall" },
            CoalescedCount = 2,
            Snapshot = true,
        },
    };
}
