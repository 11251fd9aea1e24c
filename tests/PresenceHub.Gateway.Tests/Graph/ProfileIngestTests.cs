using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Profile ingest end to end: the keeper's app-only <c>/users</c> subscription, the webhook handing consenting users
/// to the profile refresher, and the profile and withdrawn events that reach a connector's feed.
/// </summary>
public sealed class ProfileIngestTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_WithAConsentingUser_CreatesOneAppOnlyUsersSubscription()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2);

        await world.AssignAsync(world.UserIds[0]);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        await world.Keeper.RunPassAsync(CancellationToken.None);

        var users = Assert.Single(UsersSubscriptions(world));
        Assert.True(string.IsNullOrEmpty(users.CreatorId), "the /users subscription must be app-only");
        Assert.False(users.IncludeResourceData);
        var record = Assert.Single(await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None), s => s.Kind == GraphSubscriptionKind.Users);
        Assert.Equal(users.Id, record.Id, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConsentingUserChanged_ExactlyOneProfileEventWithNewValues_AndDirectoryUpdated(bool onRedis)
    {
        await using var world = await StartAsync(onRedis);
        var (ada, marker) = (world.UserIds[0], world.UserIds[1]);
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        await world.AssignAsync(ada);
        await world.AssignAsync(marker);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var initial = await ReadUntilAsync(feed, got => ProfilesOf(got, ada).Any() && ProfilesOf(got, marker).Any());
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        var oldMail = (await directory.GetManyAsync(world.Organization, [ada], CancellationToken.None))[0]!.Mail!;

        // The simulator's users have mail = UPN: change both, so the old address must leave the index.
        world.Control.UpdateUser(ada, displayName: "Ada King", mail: "ada.king@contoso.com", userPrincipalName: "ada.king@contoso.onmicrosoft.com");
        var changed = await ReadUntilAsync(feed, got => ProfilesOf(got, ada).Any());
        world.Control.UpdateUser(marker, jobTitle: "Marker");
        var rest = await ReadUntilAsync(feed, got => ProfilesOf(got, marker).Any());

        var announced = Assert.Single(ProfilesOf(changed.Concat(rest), ada));
        Assert.Equal(ada, announced.UserId);
        var profile = (await directory.GetManyAsync(world.Organization, [ada], CancellationToken.None))[0]!;
        Assert.Equal(("Ada King", "ada.king@contoso.com", "ada.king@contoso.onmicrosoft.com"), (profile.DisplayName, profile.Mail, profile.UserPrincipalName));
        // In Redis the event only names the user (connectors get the directory's record); in process it is the record.
        Assert.Equal(onRedis ? profile with { DisplayName = null, Mail = null, UserPrincipalName = null, JobTitle = null } : profile, announced);
        Assert.Equal(profile, Assert.Single(await directory.FindByAddressAsync(world.Organization, "ADA.KING@contoso.com", CancellationToken.None)));
        Assert.Empty(await directory.FindByAddressAsync(world.Organization, oldMail, CancellationToken.None));
    }

    [Fact]
    public async Task NonConsentingUserChanged_ProducesNoEvent_AndStoresNothing()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 3);
        var (consenting, bystander) = (world.UserIds[0], world.UserIds[1]);
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        await world.AssignAsync(consenting);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        await ReadUntilAsync(feed, got => ProfilesOf(got, consenting).Any());

        world.Control.UpdateUser(bystander, displayName: "Not Federated", mail: "private@contoso.com");
        await Eventually.UntilAsync(() => world.Metrics.Rejected("user-not-consenting") >= 1, because: "the bystander's notification did not reach the webhook");
        world.Control.UpdateUser(consenting, jobTitle: "Marker");
        var events = await ReadUntilAsync(feed, got => ProfilesOf(got, consenting).Any());

        Assert.DoesNotContain(events, e => e.Profile?.UserId == bystander || e.Withdrawal?.UserId == bystander);
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        Assert.Null((await directory.GetManyAsync(world.Organization, [bystander], CancellationToken.None))[0]);
        Assert.Empty(await directory.FindByAddressAsync(world.Organization, "private@contoso.com", CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConsentingUserDeleted_WithdrawnEvent_AndDirectoryEntryAndPresenceGone(bool onRedis)
    {
        await using var world = await StartAsync(onRedis);
        var (leaver, stayer) = (world.UserIds[0], world.UserIds[1]);
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        await world.AssignAsync(leaver);
        await world.AssignAsync(stayer);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        await ReadUntilAsync(feed, got => ProfilesOf(got, leaver).Any() && ProfilesOf(got, stayer).Any());
        await world.Relay.PublishAsync(
            [new PresenceUpdate(world.Organization, leaver, Platform.Teams, PresenceState.ForCategory(PresenceCategory.Busy),
                PresenceVersion.FromSequence("000000000001"), Platform.Teams, world.Control.Now)], CancellationToken.None);

        Assert.True(world.Control.DeleteUser(leaver));
        var events = await ReadUntilAsync(feed, got => got.Any(e => e.Kind == RelayEventKind.Withdrawn));

        Assert.Equal(new UserWithdrawal(leaver, WithdrawalReason.UserRemoved), Assert.Single(events, e => e.Kind == RelayEventKind.Withdrawn).Withdrawal);
        // The refresher withdraws first and removes the directory entry after (a failed withdrawal is then retried by
        // the next refresh), so the entry may outlive the withdrawn event by a moment.
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        await Eventually.UntilAsync(async () => (await directory.GetManyAsync(world.Organization, [leaver], CancellationToken.None))[0] is null,
            because: "the leaver's directory entry was not removed");
        Assert.NotNull((await directory.GetManyAsync(world.Organization, [stayer], CancellationToken.None))[0]);
        Assert.Null(await world.LastKnownAsync(leaver));
    }

    [Fact]
    public async Task ClockPastRenewalTime_UsersSubscriptionIsRenewedInPlace()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2, gatewaySettings: new Dictionary<string, string?>
        {
            ["Graph:ProfileSubscriptionLifetime"] = "01:00:00",
        });
        await world.AssignAsync(world.UserIds[0]);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var before = Assert.Single(UsersSubscriptions(world));

        // Renewal is due at most RenewBeforeExpiry plus jitter (15 + 10 minutes) before expiry: 5 minutes before is past it.
        world.Control.AdvanceClock(before.Expiration - world.Control.Now - TimeSpan.FromMinutes(5));
        await world.Keeper.RunPassAsync(CancellationToken.None);

        var after = Assert.Single(UsersSubscriptions(world));
        Assert.Equal(before.Id, after.Id);
        Assert.True(after.Expiration > before.Expiration, $"expiry {after.Expiration:o} was not extended past {before.Expiration:o}");
        var record = Assert.Single(await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None), s => s.Kind == GraphSubscriptionKind.Users);
        Assert.Equal(after.Expiration, record.ExpiresAt);
    }

    [Fact]
    public async Task UsersSubscriptionDeletedInGraph_IsRecreatedWhenRenewalFinds404()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2, gatewaySettings: new Dictionary<string, string?>
        {
            ["Graph:ProfileSubscriptionLifetime"] = "01:00:00",
        });
        await world.AssignAsync(world.UserIds[0]);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var original = Assert.Single(UsersSubscriptions(world));

        using (var http = world.Simulator.CreateHttpClient())
        using (var request = new HttpRequestMessage(HttpMethod.Delete, $"v1.0/subscriptions/{original.Id}"))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Bearer", world.Control.MintAppGraphToken(world.Organization.ToString(), world.ClientId));
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"delete failed: {(int)response.StatusCode}");
        }

        Assert.Empty(UsersSubscriptions(world));
        world.Control.AdvanceClock(original.Expiration - world.Control.Now - TimeSpan.FromMinutes(5));
        await world.Keeper.RunPassAsync(CancellationToken.None);

        Assert.NotEqual(original.Id, Assert.Single(UsersSubscriptions(world)).Id);
        Assert.Single(UsersSubscriptions(world));
    }

    [Fact]
    public async Task UserConsentsLater_ProfileFetchedAtOnce_AndRevokedUsersProfileDropped()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 3);
        var (first, late) = (world.UserIds[0], world.UserIds[1]);
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        await world.AssignAsync(first);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        await ReadUntilAsync(feed, got => ProfilesOf(got, first).Any());

        // The simulator's clock stands still, so no reconciliation is due: only the new consent fetches.
        await world.AssignAsync(late);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var events = await ReadUntilAsync(feed, got => ProfilesOf(got, late).Any());
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        Assert.Empty(ProfilesOf(events, first));
        Assert.NotNull((await directory.GetManyAsync(world.Organization, [late], CancellationToken.None))[0]);

        using (var request = new HttpRequestMessage(HttpMethod.Delete, $"admin/organizations/{world.Organization}/consents/{late}"))
        {
            request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
            using var response = await world.GatewayHttp.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"unassign failed: {(int)response.StatusCode}");
        }

        await world.Keeper.RunPassAsync(CancellationToken.None);
        await Eventually.UntilAsync(async () => (await directory.GetManyAsync(world.Organization, [late], CancellationToken.None))[0] is null,
            because: "the profile of a user who no longer consents stayed in the directory");
        Assert.NotNull((await directory.GetManyAsync(world.Organization, [first], CancellationToken.None))[0]);
    }

    [Fact]
    public async Task ProfileNotificationLost_NextReconciliationRepairsIt()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2);
        var user = world.UserIds[0];
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        await world.AssignAsync(user);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        await ReadUntilAsync(feed, got => ProfilesOf(got, user).Any());
        var dropped = world.Control.Statistics.DroppedByFault;

        world.Control.ConfigureFaults(f => f with { DropNext = 1 });
        world.Control.UpdateUser(user, displayName: "Renamed While Graph Dropped It");
        await Eventually.UntilAsync(() => world.Control.Statistics.DroppedByFault > dropped, because: "the simulator did not drop the notification");
        world.Control.AdvanceClock(TimeSpan.FromMinutes(6));
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var events = await ReadUntilAsync(feed, got => ProfilesOf(got, user).Any());

        Assert.Equal("Renamed While Graph Dropped It", Assert.Single(ProfilesOf(events, user)).DisplayName);
    }

    private async Task<GraphIngestWorld> StartAsync(bool onRedis) => onRedis
        ? await GraphIngestWorld.StartAsync(users: 3, redisConfiguration: redis.Server.Configuration, gatewaySettings: new Dictionary<string, string?>
        {
            ["Relay:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
        })
        : await GraphIngestWorld.StartAsync(users: 3);

    private static List<SubscriptionInfo> UsersSubscriptions(GraphIngestWorld world) =>
        world.Control.GetSubscriptions().Where(s => s.Resource == "/users").ToList();

    private static IEnumerable<UserProfileRecord> ProfilesOf(IEnumerable<RelayEvent> events, string userId) =>
        events.Where(e => e.Kind == RelayEventKind.Profile && e.Profile!.UserId == userId).Select(e => e.Profile!);

    private static async Task<List<RelayEvent>> ReadUntilAsync(IRelayFeed feed, Func<List<RelayEvent>, bool> done)
    {
        var events = new List<RelayEvent>();
        using var deadline = new CancellationTokenSource(ReadDeadline);
        while (!done(events))
        {
            IReadOnlyList<RelayEvent> read;
            try
            {
                read = await feed.ReadAsync(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Read {events.Count} events ({string.Join(", ", events.Select(e => e.Kind))}) without meeting the condition.");
            }

            events.AddRange(read);
            await feed.AcknowledgeAsync([.. read.Select(e => e.Id)], CancellationToken.None);
        }

        return events;
    }
}
