using PresenceHub.Presence;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>The Node sample (samples/node-connector, @grpc/grpc-js) against the real gateway and Graph simulator.</summary>
public sealed class NodeSampleAgainstGatewayTests
{
    [Fact]
    public async Task NodeSample_ReceivesTeamsPresence_AndItsPublishedStatusIsAccepted()
    {
        var sample = await NodeSample.PrepareAsync();
        var writeBack = new RecordingWriteBack();
        await using var world = await ConnectorApiTests.StartAsync(users: 2, writeBack);
        var users = world.UserIds;
        await world.LinkIdentityAsync("sample", "sample-user-1", users[1]);
        world.Control.SetUserPresence(users[0], "Busy", "InAMeeting");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(users[0]))?.State.Activity == Activity.InAMeeting,
            because: "the Teams change did not reach the relay");
        var key = await world.IssueConnectorKeyAsync("node", "sample");

        var (exitCode, output) = await NodeSample.RunAsync("node", "index.js", sample, NodeSample.RunDeadline, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{world.ConnectorAddress.Host}:{world.ConnectorAddress.Port}",
            ["PRESENCEHUB_TOKEN"] = key,
            ["CONNECTOR_ID"] = "node-sample",
            ["PUBLISH_USER"] = "sample-user-1",
            ["EXIT_AFTER_EVENTS"] = "1",
        });

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Contains($"user={users[0]} Busy/InAMeeting", output, StringComparison.Ordinal);
        var published = Assert.Single(writeBack.Submitted);
        Assert.Equal((users[1], Platform.Parse("sample")), (published.UserId, published.Source));
        Assert.Equal(PresenceCategory.Presenting, published.State.Category);
    }
}
