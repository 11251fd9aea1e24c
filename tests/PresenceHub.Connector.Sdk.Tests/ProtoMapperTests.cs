using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk.Tests;

public sealed class ProtoMapperTests
{
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
