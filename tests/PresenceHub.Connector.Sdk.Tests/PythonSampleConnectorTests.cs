using PresenceHub.Connector.Sdk.Testing;
using PresenceHub.Presence;
using PresenceHub.Testing;
using Activity = PresenceHub.Presence.Activity;

namespace PresenceHub.Connector.Sdk.Tests;

/// <summary>
/// Runs samples/python-connector with /usr/bin/python3 against the fake hub. Needs Debian's python3-grpcio,
/// python3-protobuf, protobuf-compiler and protobuf-compiler-grpc.
/// </summary>
public sealed class PythonSampleConnectorTests
{
    [Fact]
    public async Task PythonSample_ReceivesAndAcknowledgesEvents_SavesTheCursor_AndItsPublishedStatusArrives()
    {
        var sample = await PythonSample.PrepareAsync();
        await using var hub = await FakePresenceHub.StartAsync();
        var ada = FakeUser.Create("ada", platformUserId: "python-user-1");
        hub.AddUser(ada);
        var presenceId = hub.PushPresence(ada, new PresenceState(Availability.Busy, Activity.InAMeeting));
        var profileId = hub.PushProfile(ada, new UserProfile("Ada Lovelace"));
        var directory = Directory.CreateTempSubdirectory("python-sample-");
        var cursorFile = Path.Combine(directory.FullName, "cursor");

        var (exitCode, output) = await PythonSample.RunAsync(sample, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = hub.AccessToken,
            ["PUBLISH_USER"] = "python-user-1",
            ["LOOKUP_USERS"] = ada.TeamsUserId,
            ["CURSOR_FILE"] = cursorFile,
            ["EXIT_AFTER_EVENTS"] = "2",
        });

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Contains("outcome=RESUME_OUTCOME_FRESH", output, StringComparison.Ordinal);
        Assert.Contains($"presence {presenceId} user={ada.TeamsUserId} Busy/InAMeeting", output, StringComparison.Ordinal);
        Assert.Contains($"profile {profileId} user={ada.TeamsUserId} name=Ada Lovelace", output, StringComparison.Ordinal);
        Assert.Contains($"lastknown user={ada.TeamsUserId} found=true Busy/InAMeeting", output, StringComparison.Ordinal);
        Assert.Contains($"publication PUBLICATION_OUTCOME_ACCEPTED teams_user={ada.TeamsUserId}", output, StringComparison.Ordinal);
        Assert.Equal([presenceId, profileId], hub.AcknowledgedEventIds);
        Assert.Equal(hub.AcknowledgedCursor, File.ReadAllText(cursorFile));

        var connection = Assert.Single(hub.Connections);
        Assert.Equal(("python-sample", "python"), (connection.ConnectorId, connection.Platform));
        var published = Assert.Single(hub.Publications);
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        Assert.Equal(ada.TeamsUserId, published.TeamsUserId);
        Assert.Equal(PresenceCategory.Presenting, published.State.Category);
        Assert.Equal("Presenting (sample)", published.State.StatusMessage?.Content);
        Assert.Matches("^[0-9]{20}$", published.Version);
        Assert.Contains(hub.StateReports, r => r.ConnectorId == "python-sample" && r.State == ConnectorState.Running);
        Assert.Equal(ConnectorState.Stopping, hub.StateReports[^1].State);
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task PythonSample_WhenTheHubDropsTheStream_ResumesAfterItsCursor_AndSkipsARedeliveredEvent()
    {
        var sample = await PythonSample.PrepareAsync();
        await using var hub = await FakePresenceHub.StartAsync();
        hub.ResumeOverlap = 1; // after a reconnect the hub sends the last acknowledged event again
        var ada = FakeUser.Create("ada");
        var first = hub.PushPresence(ada, new PresenceState(Availability.Busy, Activity.InACall));

        var run = PythonSample.RunAsync(sample, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = hub.AccessToken,
            ["EXIT_AFTER_EVENTS"] = "2",
        });
        await hub.WaitUntilAsync(h => h.AcknowledgedEventIds.Contains(first), PythonSample.RunDeadline);
        var cursor = hub.AcknowledgedCursor;
        hub.DropStreams();
        await hub.WaitUntilAsync(h => h.Connections.Count == 2, PythonSample.RunDeadline);
        var second = hub.PushPresence(ada, new PresenceState(Availability.Away, Activity.Away));
        var (exitCode, output) = await run;

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Equal([null, cursor], hub.Connections.Select(c => c.ResumeCursor));
        Assert.Contains("outcome=RESUME_OUTCOME_RESUMED", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), l => l.StartsWith($"presence {first} ", StringComparison.Ordinal));
        Assert.Contains($"presence {second} user={ada.TeamsUserId} Away/Away", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonSample_WhenTheHubStopsAnswering_ReconnectsAfterThreeHeartbeatIntervals()
    {
        var sample = await PythonSample.PrepareAsync();
        await using var hub = await FakePresenceHub.StartAsync(new FakePresenceHubOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        hub.EchoHeartbeats = false;
        var ada = FakeUser.Create("ada");

        var run = PythonSample.RunAsync(sample, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = hub.AccessToken,
            ["EXIT_AFTER_EVENTS"] = "1",
        });
        await hub.WaitUntilAsync(h => h.Connections.Count >= 2 && h.HeartbeatsReceived > 0, PythonSample.RunDeadline);
        var eventId = hub.PushPresence(ada, new PresenceState(Availability.Busy, Activity.InACall));
        var (exitCode, output) = await run;

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Contains("no message from the hub for three heartbeat intervals", output, StringComparison.Ordinal);
        Assert.Contains($"presence {eventId} user={ada.TeamsUserId} Busy/InACall", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonSample_WithAWrongKey_ExitsThree()
    {
        var sample = await PythonSample.PrepareAsync();
        await using var hub = await FakePresenceHub.StartAsync();

        var (exitCode, output) = await PythonSample.RunAsync(sample, new Dictionary<string, string>
        {
            ["PRESENCEHUB_ADDRESS"] = $"{hub.Address.Host}:{hub.Address.Port}",
            ["PRESENCEHUB_TOKEN"] = "wrong-key",
        });

        Assert.True(exitCode == 3, $"expected the sample to exit with 3 (rejected), got {exitCode}:\n{output}");
        Assert.Contains("rejected: UNAUTHENTICATED", output, StringComparison.Ordinal);
    }
}
