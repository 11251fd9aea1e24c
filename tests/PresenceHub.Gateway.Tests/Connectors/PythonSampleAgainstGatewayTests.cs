using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Presence;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>
/// The Python sample (samples/python-connector, grpcio) against the real gateway and Graph simulator, as a real
/// process. Needs Debian's python3-grpcio, python3-protobuf, protobuf-compiler and protobuf-compiler-grpc.
/// </summary>
public sealed class PythonSampleAgainstGatewayTests
{
    [Fact]
    public async Task PythonSample_ReceivesTeamsPresence_LooksUpLastKnown_AndItsPublicationIsAccepted()
    {
        var sample = await PythonSample.PrepareAsync();
        var writeBack = new RecordingWriteBack();
        await using var world = await ConnectorApiTests.StartAsync(users: 2, writeBack);
        var users = world.UserIds;
        await world.LinkIdentityAsync("python", "python-user-1", users[1]);
        world.Control.SetUserPresence(users[0], "Busy", "InAMeeting");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(users[0]))?.State.Activity == Activity.InAMeeting,
            because: "the Teams change did not reach the relay");
        var key = await world.IssueConnectorKeyAsync("python", "python");

        await using var connector = PythonSampleProcess.Start(sample, SampleEnvironment(world, key, new()
        {
            ["PUBLISH_USER"] = "python-user-1",
            ["LOOKUP_USERS"] = users[0],
        }));

        await connector.UntilPrintedAsync(l => l.StartsWith("presence ", StringComparison.Ordinal) && l.EndsWith($" user={users[0]} Busy/InAMeeting", StringComparison.Ordinal),
            "the Teams presence on the stream");
        await connector.UntilPrintedAsync(l => l == $"lastknown user={users[0]} found=true Busy/InAMeeting", "the last-known presence");
        await connector.UntilPrintedAsync(l => l.StartsWith("publication ", StringComparison.Ordinal), "the publication's result");
        Assert.True(connector.Lines.Contains($"publication PUBLICATION_OUTCOME_ACCEPTED teams_user={users[1]}"),
            $"the publication was not accepted; the sample printed:\n{connector.Transcript}");
        var published = Assert.Single(writeBack.Submitted);
        Assert.Equal((users[1], Platform.Parse("python")), (published.UserId, published.Source));
        Assert.Equal(PresenceCategory.Presenting, published.State.Category);
        Assert.Equal(0, await connector.StopAsync());
    }

    [Fact]
    public async Task PythonSample_KilledAndRestartedWithItsCursorFile_ResumesWithTheMissedChange_AndNothingItAcknowledged()
    {
        var sample = await PythonSample.PrepareAsync();
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var users = world.UserIds;
        var key = await world.IssueConnectorKeyAsync("python", "python");
        var directory = Directory.CreateTempSubdirectory("python-sample-");
        var cursorFile = Path.Combine(directory.FullName, "cursor");
        var environment = SampleEnvironment(world, key, new() { ["CONNECTOR_ID"] = "python-resume", ["CURSOR_FILE"] = cursorFile });

        // First run: it handles two changes, acknowledges them and saves the cursor.
        IReadOnlyList<string> acknowledged;
        await using (var first = PythonSampleProcess.Start(sample, environment))
        {
            await first.UntilPrintedAsync(l => l.StartsWith("welcome ", StringComparison.Ordinal), "the welcome");
            world.Control.SetUserPresence(users[0], "Busy", "InACall");
            world.Control.SetUserPresence(users[1], "Away", "Away");
            await first.UntilAsync(() =>
                    first.Lines.Any(l => l.StartsWith("presence ", StringComparison.Ordinal) && l.EndsWith($" user={users[0]} Busy/InACall", StringComparison.Ordinal)) &&
                    first.Lines.Any(l => l.StartsWith("presence ", StringComparison.Ordinal) && l.EndsWith($" user={users[1]} Away/Away", StringComparison.Ordinal)) &&
                    first.Lines.Last().StartsWith("acked ", StringComparison.Ordinal) &&
                    File.Exists(cursorFile) && File.ReadAllText(cursorFile) == first.LastAcknowledgedCursor,
                "both changes handled, acknowledged and the cursor saved");
            await first.KillAsync();
            acknowledged = first.AcknowledgedEventIds;
        }

        // While it is down, Teams changes; the relay has the change before the connector comes back.
        world.Control.SetUserPresence(users[0], "Away", "BeRightBack");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(users[0]))?.State.Activity == Activity.BeRightBack,
            because: "the change made while the connector was down did not reach the relay");

        await using var second = PythonSampleProcess.Start(sample, environment);
        await second.UntilPrintedAsync(l => l.StartsWith("welcome ", StringComparison.Ordinal), "the welcome after the restart");
        Assert.Contains(second.Lines, l => l.StartsWith("welcome ", StringComparison.Ordinal) && l.EndsWith(" outcome=RESUME_OUTCOME_RESUMED", StringComparison.Ordinal));
        await second.UntilPrintedAsync(l => l.StartsWith("presence ", StringComparison.Ordinal) && l.EndsWith($" user={users[0]} Away/BeRightBack", StringComparison.Ordinal),
            "the change made while it was down");
        var again = second.EventIds.Intersect(acknowledged).ToList();
        Assert.True(again.Count == 0,
            $"events acknowledged before the kill came again: {string.Join(", ", again)}; after the restart it printed:\n{second.Transcript}");
        Assert.Equal(0, await second.StopAsync());
        directory.Delete(recursive: true);
    }

    private static Dictionary<string, string?> SampleEnvironment(GraphIngestWorld world, string key, Dictionary<string, string?> more)
    {
        var environment = new Dictionary<string, string?>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{world.ConnectorAddress.Host}:{world.ConnectorAddress.Port}",
            ["PRESENCEHUB_TOKEN"] = key,
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }
}
