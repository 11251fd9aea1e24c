using Grpc.Core;
using PresenceHub.Connector.Sdk.Testing;
using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk.Tests;

public sealed class ConnectorClientTests
{
    private static readonly TimeSpan Deadline = Testbed.Deadline;

    [Fact]
    public async Task Connect_WhenStarted_SendsHelloAndReportsRunning()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        await hub.WaitUntilAsync(h => h.StateReports.Any(r => r.State == ConnectorState.Running), Deadline);

        var connection = Assert.Single(hub.Connections);
        Assert.Equal("test-connector", connection.ConnectorId);
        Assert.Equal("xmpp", connection.Platform);
        Assert.Equal("1.0.0", connection.Version);
        Assert.Null(connection.ResumeCursor);
        Assert.Equal(ConnectionStatus.Connected, client.Status);
    }

    [Fact]
    public async Task Events_WhenPushed_ReachTheHandlerInOrderWithTheirPayloads()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var handler = new RecordingHandler();
        await using var client = await Testbed.StartClientAsync(hub, handler);
        var ada = FakeUser.Create("ada", platformUserId: "ada@xmpp.example");

        var presenceId = hub.PushPresence(ada, new PresenceState(Availability.Busy, Activity.InACall, new StatusMessage("On a call")));
        var profileId = hub.PushProfile(ada, new UserProfile("Ada Lovelace", JobTitle: "Engineer"));
        var withdrawnId = hub.PushWithdrawn(ada, WithdrawalReason.OptedOut);
        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-3", Deadline);

        Assert.Equal([presenceId, profileId, withdrawnId], handler.EventIds);
        var presence = Assert.IsType<PresenceEvent>(handler.Events[0]);
        Assert.Equal(ada.TeamsUserId, presence.User.TeamsUserId);
        Assert.Equal("ada@xmpp.example", presence.PlatformUserId);
        Assert.Equal(hub.Organization, presence.Organization);
        Assert.Equal(Platform.Teams, presence.Update.Source);
        Assert.Equal(PresenceCategory.InACall, presence.State.Category);
        Assert.Equal("On a call", presence.State.StatusMessage?.Content);
        Assert.Equal("Ada Lovelace", Assert.IsType<ProfileEvent>(handler.Events[1]).Profile.DisplayName);
        Assert.Equal(WithdrawalReason.OptedOut, Assert.IsType<WithdrawnEvent>(handler.Events[2]).Reason);
    }

    [Fact]
    public async Task Acknowledgement_IsSentOnlyAfterTheHandlerReturns()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler
        {
            OnEvent = async _ =>
            {
                entered.TrySetResult();
                await release.Task;
            },
        };
        await using var client = await Testbed.StartClientAsync(hub, handler);
        await hub.WaitUntilAsync(h => h.StateReports.Count > 0, Deadline);

        var eventId = hub.PushPresence(FakeUser.Create("grace"), PresenceState.ForCategory(PresenceCategory.Away));
        try
        {
            await entered.Task.WaitAsync(Deadline);
            // A state report sent after the handler started travels the same stream as any early ack would, so once
            // the hub has it, an early ack would have arrived too.
            client.ReportState(ConnectorState.Degraded, "probe");
            await hub.WaitUntilAsync(h => h.StateReports.Any(r => r.Detail == "probe"), Deadline);
            Assert.Empty(hub.AcknowledgedEventIds);
            Assert.Null(hub.AcknowledgedCursor);
        }
        finally
        {
            release.TrySetResult();
        }

        await hub.WaitUntilAsync(h => h.AcknowledgedEventIds.Contains(eventId), Deadline);
        Assert.Equal("fake-1", hub.AcknowledgedCursor);
        Assert.Equal("fake-1", client.LastHandledCursor);
    }

    [Fact]
    public async Task DroppedStream_ResumesAfterLastHandledEvent_WithNoEventLostAndDuplicatesRemoved()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        // The hub resumes three events early, as a hub restoring from an older checkpoint does.
        hub.ResumeOverlap = 3;
        var handler = new RecordingHandler();
        await using var client = await Testbed.StartClientAsync(hub, handler);
        var users = Enumerable.Range(0, 5).Select(i => FakeUser.Create($"user{i}")).ToList();
        var pushed = new List<string>();

        for (var i = 0; i < 10; i++)
        {
            pushed.Add(hub.PushPresence(users[i % 5], PresenceState.ForCategory(i % 2 == 0 ? PresenceCategory.Busy : PresenceCategory.Available)));
        }

        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-10", Deadline);
        hub.DropStreams();
        for (var i = 10; i < 20; i++)
        {
            pushed.Add(hub.PushPresence(users[i % 5], PresenceState.ForCategory(PresenceCategory.Away)));
        }

        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-20", Deadline);

        Assert.Equal(pushed, handler.EventIds);
        Assert.True(hub.Connections.Count >= 2);
        Assert.Equal("fake-10", hub.Connections[1].ResumeCursor);
        Assert.True(hub.EventsDelivered >= 23, "the hub redelivered the overlap, which the client dropped");
    }

    [Fact]
    public async Task DroppedStream_WhileEventsAreInFlight_LosesNothing()
    {
        // One batch in flight at a time, so each drop hits the stream that delivered the event (not a later one).
        await using var hub = await FakePresenceHub.StartAsync(new FakePresenceHubOptions { MaxBatchSize = 3, MaxUnacknowledgedEvents = 3 });
        hub.ResumeOverlap = 5;
        var handler = new RecordingHandler();
        var dropped = 0;
        handler.OnEvent = e =>
        {
            if (e.Cursor is "fake-7" or "fake-31" && Interlocked.Increment(ref dropped) <= 2)
            {
                hub.DropStreams();
            }

            return Task.CompletedTask;
        };
        await using var client = await Testbed.StartClientAsync(hub, handler);
        var user = FakeUser.Create("linus");
        var pushed = Enumerable.Range(0, 40)
            .Select(i => hub.PushPresence(user, PresenceState.ForCategory(i % 2 == 0 ? PresenceCategory.Busy : PresenceCategory.Available)))
            .ToList();

        // Two drops mean three streams; the last may open after the final acknowledgement arrived.
        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-40" && h.Connections.Count >= 3 && h.OpenStreams == 1, Deadline);

        Assert.Equal(pushed, handler.EventIds);
        Assert.Equal(2, dropped);
    }

    [Fact]
    public async Task Restart_WithFileCursorStore_ResumesAfterTheSavedCursor()
    {
        var directory = Directory.CreateTempSubdirectory("presencehub-cursor-");
        try
        {
            await using var hub = await FakePresenceHub.StartAsync();
            var store = new FileCursorStore(directory.FullName);
            var user = FakeUser.Create("margaret");
            var first = new RecordingHandler();
            var before = Enumerable.Range(0, 5).Select(_ => hub.PushPresence(user, PresenceState.ForCategory(PresenceCategory.Busy))).ToList();
            await using (var client = await Testbed.StartClientAsync(hub, first, cursorStore: store))
            {
                await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-5", Deadline);
            }

            var after = Enumerable.Range(0, 5).Select(_ => hub.PushPresence(user, PresenceState.ForCategory(PresenceCategory.Away))).ToList();
            var second = new RecordingHandler();
            await using var restarted = await Testbed.StartClientAsync(hub, second, cursorStore: new FileCursorStore(directory.FullName));
            await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-10", Deadline);

            Assert.Equal(before, first.EventIds);
            Assert.Equal(after, second.EventIds);
            Assert.Equal("fake-5", hub.Connections[^1].ResumeCursor);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task HandlerFailure_LeavesTheEventUnacknowledged_AndItIsDeliveredAgain()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var handler = new RecordingHandler();
        await using var client = await Testbed.StartClientAsync(hub, handler);
        var user = FakeUser.Create("barbara");
        var first = hub.PushPresence(user, PresenceState.ForCategory(PresenceCategory.Busy));
        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-1", Deadline);
        // Armed before the push (the client may handle the event as soon as the hub has it): the hub numbers its events
        // {prefix}-{n}, so the next one's id follows the first's.
        var next = first[..(first.LastIndexOf('-') + 1)] + "2";
        handler.FailOnceOn(next);
        var failing = hub.PushPresence(user, PresenceState.ForCategory(PresenceCategory.Away));
        Assert.Equal(next, failing);
        var third = hub.PushPresence(user, PresenceState.ForCategory(PresenceCategory.Available));

        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-3", Deadline);

        Assert.Equal([first, failing, third], handler.EventIds);
        Assert.True(hub.Connections.Count >= 2, "the client reconnected to get the failed event again");
    }

    [Fact]
    public async Task BadCredentials_StopRetryingAndReportRejected()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        hub.RejectCredentials = true;
        var statuses = new List<ConnectionStatusChangedEventArgs>();
        var client = new ConnectorClient(Testbed.Options(hub), new RecordingHandler());
        client.StatusChanged += (_, args) => statuses.Add(args);
        await client.StartAsync(CancellationToken.None);

        await client.Completion.WaitAsync(Deadline);

        // The first refusal is final: nothing follows it (a transport failure before any answer may still be retried).
        Assert.Equal(ConnectionStatus.Rejected, client.Status);
        Assert.Equal(StatusCode.Unauthenticated, statuses[^1].RejectionCode);
        Assert.Single(statuses, s => s.Status == ConnectionStatus.Rejected);
        Assert.Empty(hub.Connections);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task WrongToken_IsRejectedWithUnauthenticated()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var options = Testbed.Options(hub);
        options.AccessToken = "not-the-key";
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler(), options);

        await client.Completion.WaitAsync(Deadline);

        Assert.Equal(ConnectionStatus.Rejected, client.Status);
        var failure = await Assert.ThrowsAsync<RpcException>(() => client.PublishPresenceAsync("u1", PresenceState.Unknown));
        Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
    }

    [Fact]
    public async Task PlatformTheCredentialDoesNotAllow_IsRejectedWithPermissionDenied()
    {
        await using var hub = await FakePresenceHub.StartAsync(new FakePresenceHubOptions { AllowedPlatform = "slack" });
        var statuses = new List<ConnectionStatusChangedEventArgs>();
        var client = new ConnectorClient(Testbed.Options(hub, platform: "xmpp"), new RecordingHandler());
        client.StatusChanged += (_, args) => statuses.Add(args);
        await client.StartAsync(CancellationToken.None);

        await client.Completion.WaitAsync(Deadline);

        Assert.Equal(StatusCode.PermissionDenied, statuses[^1].RejectionCode);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Heartbeats_AreSentAtTheIntervalTheHubAnnounces()
    {
        await using var hub = await FakePresenceHub.StartAsync(new FakePresenceHubOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        // At the client's own default (15 s) three heartbeats could not arrive before the deadline.
        await hub.WaitUntilAsync(h => h.HeartbeatsReceived >= 3, Deadline);
    }

    [Fact]
    public async Task SilentHub_IsLeftAfterThreeIntervals_AndTheClientReconnects()
    {
        await using var hub = await FakePresenceHub.StartAsync(new FakePresenceHubOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        hub.EchoHeartbeats = false;
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        await hub.WaitUntilAsync(h => h.Connections.Count >= 2, Deadline);

        hub.EchoHeartbeats = true;
        await Testbed.UntilStatusAsync(client, ConnectionStatus.Connected);
    }

    [Fact]
    public async Task ReportState_IsSentNowAndAgainOnReconnect_AndStopReportsStopping()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var client = await Testbed.StartClientAsync(hub, new RecordingHandler());
        await hub.WaitUntilAsync(h => h.StateReports.Count == 1, Deadline);

        client.ReportState(ConnectorState.BadCredentials, "platform_auth_failed");
        await hub.WaitUntilAsync(h => h.StateReports.Count == 2, Deadline);
        hub.DropStreams();
        await hub.WaitUntilAsync(h => h.StateReports.Count == 3, Deadline);
        await client.StopAsync(CancellationToken.None);
        await hub.WaitUntilAsync(h => h.StateReports.Count == 4, Deadline);

        Assert.Equal(
            [ConnectorState.Running, ConnectorState.BadCredentials, ConnectorState.BadCredentials, ConnectorState.Stopping],
            hub.StateReports.Select(r => r.State));
        Assert.Equal("platform_auth_failed", hub.StateReports[2].Detail);
        Assert.Equal(ConnectionStatus.Stopped, client.Status);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task UnknownAvailabilityAndActivity_ReachTheHandlerUnchanged()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var handler = new RecordingHandler();
        await using var client = await Testbed.StartClientAsync(hub, handler);
        var state = new PresenceState(Availability.Parse("Focusing"), Activity.Parse("DeepWork"),
            new StatusMessage("Heads down", DateTimeOffset.Parse("2030-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture)),
            new OutOfOfficeSettings(false, "Back Monday"));

        hub.PushPresence(FakeUser.Create("ken"), state, source: Platform.Slack, origin: Platform.Slack);
        await hub.WaitUntilAsync(h => h.AcknowledgedCursor == "fake-1", Deadline);

        var received = Assert.IsType<PresenceEvent>(Assert.Single(handler.Events));
        Assert.Equal("Focusing", received.State.Availability.Value);
        Assert.False(received.State.Availability.IsKnown);
        Assert.Equal("DeepWork", received.State.Activity.Value);
        Assert.Equal(state, received.State);
        Assert.Equal(Platform.Slack, received.Update.Origin);
    }

    [Fact]
    public async Task PublishPresence_ForALinkedUser_IsAcceptedAndArrivesAtTheHub()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var ada = FakeUser.Create("ada", platformUserId: "U123");
        hub.AddUser(ada);
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());
        var state = PresenceState.ForCategory(PresenceCategory.DoNotDisturb, new StatusMessage("Focus time"));

        var result = await client.PublishPresenceAsync("U123", state);

        Assert.Equal(PublicationOutcome.Accepted, result.Outcome);
        Assert.Equal(ada.TeamsUserId, result.TeamsUserId);
        var published = Assert.Single(hub.Publications);
        Assert.Equal(result.PublicationId, published.PublicationId);
        Assert.Equal("U123", published.PlatformUserId);
        Assert.Equal(state, published.State);
    }

    [Fact]
    public async Task PublishPresence_ForAnUnlinkedUser_ReportsUnlinked_AndLinksByMailHint()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        hub.AddUser(FakeUser.Create("grace"));
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        var unlinked = await client.PublishPresenceAsync("U999", PresenceState.ForCategory(PresenceCategory.Away));
        var byMail = await client.PublishPresenceAsync("U998", PresenceState.ForCategory(PresenceCategory.Away), mailHint: "grace@contoso.example");

        Assert.Equal(PublicationOutcome.UnlinkedUser, unlinked.Outcome);
        Assert.Null(unlinked.TeamsUserId);
        Assert.Equal(PublicationOutcome.Accepted, byMail.Outcome);
    }

    [Fact]
    public async Task GetLastKnownPresence_ReturnsTheLatestState_AndNothingForUnknownUsers()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var ada = FakeUser.Create("ada", platformUserId: "U1");
        hub.PushPresence(ada, PresenceState.ForCategory(PresenceCategory.Busy));
        hub.PushPresence(ada, PresenceState.ForCategory(PresenceCategory.InAMeeting));
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        var presences = await client.GetLastKnownPresenceAsync(
            [UserReference.ForTeamsUser(ada.TeamsUserId), UserReference.ForPlatformUser("U1"), UserReference.ForUserPrincipalName("nobody@contoso.example")]);

        Assert.Equal(PresenceCategory.InAMeeting, presences[0].Update?.State.Category);
        Assert.Equal(hub.Organization, presences[0].Update?.Organization);
        Assert.Equal(ada.TeamsUserId, presences[1].User?.TeamsUserId);
        Assert.False(presences[2].Found);
    }

    [Fact]
    public async Task GetLastKnownPresence_ForAnotherOrganizationsUser_IsPermissionDenied()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var stranger = FakeUser.Create("eve") with { Organization = new OrganizationId(Guid.NewGuid()) };
        hub.AddUser(stranger);
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        var failure = await Assert.ThrowsAsync<RpcException>(
            () => client.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(stranger.TeamsUserId)]));

        Assert.Equal(StatusCode.PermissionDenied, failure.StatusCode);
    }

    [Fact]
    public async Task ResolveIdentity_UsesOverridesFirst_ThenMail()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var ada = FakeUser.Create("ada");
        var grace = FakeUser.Create("grace");
        hub.AddUser(ada);
        hub.AddUser(grace);
        hub.LinkIdentity("U-ADA", ada.TeamsUserId);
        await using var client = await Testbed.StartClientAsync(hub, new RecordingHandler());

        var resolutions = await client.ResolveIdentityAsync(
        [
            IdentityQuery.ForPlatformUser("U-ADA", mail: "grace@contoso.example"),
            IdentityQuery.ForPlatformUser("U-GRACE", mail: "GRACE@contoso.example"),
            IdentityQuery.ForPlatformUser("U-NOBODY", mail: "nobody@contoso.example"),
            IdentityQuery.ForTeamsUser(ada.TeamsUserId),
        ]);

        Assert.Equal((IdentityMatch.Override, ada.TeamsUserId), (resolutions[0].Match, resolutions[0].User?.TeamsUserId));
        Assert.Equal((IdentityMatch.Mail, grace.TeamsUserId), (resolutions[1].Match, resolutions[1].User?.TeamsUserId));
        Assert.False(resolutions[2].IsLinked);
        Assert.Equal("U-ADA", resolutions[3].PlatformUserId);
    }
}
