using PresenceHub.Connector.Sdk.Testing;
using PresenceHub.Presence;
using PresenceHub.Testing;
using Activity = PresenceHub.Presence.Activity;

namespace PresenceHub.Connector.Sdk.Tests;

/// <summary>Runs samples/node-connector with node against the fake hub. Needs node (18+) and npm on PATH.</summary>
public sealed class NodeSampleConnectorTests
{
    [Fact]
    public async Task NodeSample_ReceivesAndAcknowledgesPresence_AndItsPublishedStatusArrives()
    {
        var sample = await NodeSample.PrepareAsync();
        await using var hub = await FakePresenceHub.StartAsync();
        var ada = FakeUser.Create("ada", platformUserId: "sample-user-1");
        hub.AddUser(ada);
        var eventId = hub.PushPresence(ada, new PresenceState(Availability.Busy, Activity.InAMeeting));

        var (exitCode, output) = await NodeSample.RunAsync("node", "index.js", sample, NodeSample.RunDeadline, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = hub.AccessToken,
            ["CONNECTOR_ID"] = "node-sample",
            ["PUBLISH_USER"] = "sample-user-1",
            ["EXIT_AFTER_EVENTS"] = "1",
        });

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Contains($"presence {eventId} user={ada.TeamsUserId} Busy/InAMeeting", output, StringComparison.Ordinal);
        Assert.Contains(eventId, hub.AcknowledgedEventIds);
        var connection = Assert.Single(hub.Connections);
        Assert.Equal(("node-sample", "sample"), (connection.ConnectorId, connection.Platform));
        var published = Assert.Single(hub.Publications);
        Assert.Equal("node-sample", published.ConnectorId);
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        Assert.Equal(ada.TeamsUserId, published.TeamsUserId);
        Assert.Equal(PresenceCategory.Presenting, published.State.Category);
        Assert.Equal("Presenting (sample)", published.State.StatusMessage?.Content);
        Assert.Contains(hub.StateReports, r => r.ConnectorId == "node-sample" && r.State == ConnectorState.Running);
    }

    [Fact]
    public async Task NodeSample_WithAWrongKey_IsRejected()
    {
        var sample = await NodeSample.PrepareAsync();
        await using var hub = await FakePresenceHub.StartAsync();

        var (exitCode, output) = await NodeSample.RunAsync("node", "index.js", sample, NodeSample.RunDeadline, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = "wrong-key",
        });

        Assert.True(exitCode == 3, $"expected the sample to exit with 3 (rejected), got {exitCode}:\n{output}");
        Assert.Contains("rejected: UNAUTHENTICATED", output, StringComparison.Ordinal);
    }
}
