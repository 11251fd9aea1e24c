using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>
/// The consent lifecycle and erasure end to end on a real redis-server: the simulator's app installations, the
/// gateway's installation subscription and sweep, sign-out and the erase APIs, a connector over gRPC, and a scan of
/// every Redis key and value for the departed user's id.
/// </summary>
public sealed class ConsentLifecycleTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Uninstall_RemovesTheUserWithinOneKeeperPass_WithdrawsThem_AndLeavesNoTrace(bool notificationLost)
    {
        var (world, prefix) = await StartAsync();
        await using var _ = world;
        var (owner, leaver, assigned) = (world.UserIds[0], world.UserIds[1], world.UserIds[2]);
        var handler = new RecordingHandler();
        await using var connector = await ConnectAndSeeAsync(world, handler, leaver);
        await world.LinkIdentityAsync("xmpp", "leaver@chat.example", leaver);
        var leaverAddresses = new[] { UserReference.ForUserPrincipalName(Upn(2)), UserReference.ForPlatformUser("leaver@chat.example") };
        Assert.All(await connector.GetLastKnownPresenceAsync(leaverAddresses), a => Assert.True(a.Found));
        Assert.Contains(await RedisTrace.FindAsync(redis.Server.Configuration, prefix, leaver), k => k.Contains(":msal:", StringComparison.Ordinal));

        var dropped = world.Control.Statistics.DroppedByFault;
        if (notificationLost)
        {
            world.Control.ConfigureFaults(f => f with { DropNext = 1 });
        }

        Assert.True(world.Control.UninstallApp(leaver, world.TeamsAppId));
        if (notificationLost)
        {
            await Eventually.UntilAsync(() => world.Control.Statistics.DroppedByFault > dropped, because: "the uninstall notification was not dropped");
            // Without the sweep nothing tells the gateway: one pass on the same clock leaves the user in.
            await world.Keeper.RunPassAsync(CancellationToken.None);
            Assert.True(Covered(world, leaver), "the user was removed although the notification was lost and no sweep was due");
            world.Control.AdvanceClock(world.Gateway.Services.GetRequiredService<IOptions<GraphOptions>>().Value.ReconcileInterval + TimeSpan.FromSeconds(1));
            await world.Keeper.RunPassAsync(CancellationToken.None);
        }
        else
        {
            // The notification is checked on the pass after it arrived; the clock stands still, so no sweep is due.
            await Eventually.UntilAsync(async () =>
            {
                await world.Keeper.RunPassAsync(CancellationToken.None);
                return !Covered(world, leaver);
            }, because: "the uninstall notification did not remove the user");
        }

        Assert.False(Covered(world, leaver), "the simulator's subscriptions still cover the user who uninstalled");
        Assert.True(Covered(world, owner) && Covered(world, assigned), "the remaining users were not subscribed again");
        await Eventually.UntilAsync(() => handler.Withdrawn.Any(w => w.User.TeamsUserId == leaver), because: "the connector got no withdrawn event");
        Assert.Equal(PresenceHub.Connector.Sdk.WithdrawalReason.OptedOut, handler.Withdrawn.First(w => w.User.TeamsUserId == leaver).Reason);
        // Asked for by address or by link, the user is unknown now.
        Assert.All(await connector.GetLastKnownPresenceAsync(leaverAddresses), a => Assert.False(a.Found));
        var traces = await TracesAfterPassesAsync(world, prefix, leaver, exceptMetadataLog: false);
        Assert.True(traces.Count == 0, $"the user who uninstalled is still in Redis: {string.Join(", ", traces)}");
        Assert.NotEmpty(await RedisTrace.FindAsync(redis.Server.Configuration, prefix, owner));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SignOutOrUnassign_RemovesTheUser_AndInstallingAloneNeverBringsThemBack(bool byAdministrator)
    {
        var (world, prefix) = await StartAsync();
        await using var _ = world;
        var leaver = world.UserIds[1];
        var handler = new RecordingHandler();
        await using var connector = await ConnectAndSeeAsync(world, handler, leaver);

        using var request = byAdministrator
            ? AdminRequest(HttpMethod.Delete, $"admin/organizations/{world.Organization}/consents/{leaver}")
            : new HttpRequestMessage(HttpMethod.Delete, "api/consent");
        if (!byAdministrator)
        {
            request.Headers.Authorization = new("Bearer", world.Control.MintTeamsSsoToken(world.Organization.ToString(), leaver, world.ClientId));
        }

        using var response = await world.GatewayHttp.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await world.Keeper.RunPassAsync(CancellationToken.None);

        // Still installed, but signed out: a sweep and an installation notification change nothing.
        world.Control.UninstallApp(leaver, world.TeamsAppId);
        world.Control.InstallApp(leaver, world.TeamsAppId);
        world.Control.AdvanceClock(world.Gateway.Services.GetRequiredService<IOptions<GraphOptions>>().Value.ReconcileInterval + TimeSpan.FromSeconds(1));
        await world.Keeper.RunPassAsync(CancellationToken.None);
        Assert.False(Covered(world, leaver), "a signed-out user is still subscribed");
        await Eventually.UntilAsync(() => handler.Withdrawn.Any(w => w.User.TeamsUserId == leaver), because: "the connector got no withdrawn event");
        Assert.Equal(
            byAdministrator ? PresenceHub.Connector.Sdk.WithdrawalReason.EntitlementRevoked : PresenceHub.Connector.Sdk.WithdrawalReason.OptedOut,
            Assert.Single(handler.Withdrawn, w => w.User.TeamsUserId == leaver).Reason);
        var traces = await TracesAfterPassesAsync(world, prefix, leaver, exceptMetadataLog: false);
        Assert.True(traces.Count == 0, $"the removed user is still in Redis: {string.Join(", ", traces)}");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Erase_LeavesZeroKeysForTheUser_ExceptMetadataUnderARetentionHold(bool bySelfService, bool retentionHold)
    {
        var (world, prefix) = await StartAsync();
        await using var _ = world;
        var subject = world.UserIds[1];
        var handler = new RecordingHandler();
        await using var connector = await ConnectAndSeeAsync(world, handler, subject);
        await world.LinkIdentityAsync("xmpp", "subject@chat.example", subject);
        // The connector's own publication about the user leaves a metadata entry naming them.
        var published = await connector.PublishPresenceAsync("subject@chat.example", new Presence.PresenceState(Presence.Availability.Away, Presence.Activity.Away));
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        Assert.Contains(await RedisTrace.FindAsync(redis.Server.Configuration, prefix, subject), k => k.EndsWith(":metalog", StringComparison.Ordinal));
        if (retentionHold)
        {
            using var hold = AdminRequest(HttpMethod.Put, $"admin/organizations/{world.Organization}/retention-hold");
            using var held = await world.GatewayHttp.SendAsync(hold);
            Assert.Equal(HttpStatusCode.NoContent, held.StatusCode);
        }

        using var request = bySelfService
            ? new HttpRequestMessage(HttpMethod.Delete, "api/me")
            : AdminRequest(HttpMethod.Delete, $"admin/organizations/{world.Organization}/users/{subject}");
        if (bySelfService)
        {
            request.Headers.Authorization = new("Bearer", world.Control.MintTeamsSsoToken(world.Organization.ToString(), subject, world.ClientId));
        }

        using var response = await world.GatewayHttp.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, summary.GetProperty("consents").GetInt32());
        Assert.Equal(1, summary.GetProperty("identityLinks").GetInt32());
        Assert.Equal(retentionHold, summary.GetProperty("retentionHold").GetBoolean());
        Assert.Equal(retentionHold, summary.GetProperty("metadataEntries").GetInt32() == 0);

        await Eventually.UntilAsync(() => handler.Withdrawn.Any(w => w.User.TeamsUserId == subject), because: "the connector got no withdrawn event");
        var traces = await TracesAfterPassesAsync(world, prefix, subject, exceptMetadataLog: retentionHold);
        Assert.True(traces.Count == 0, $"the erased user is still in Redis: {string.Join(", ", traces)}");
        Assert.False(Covered(world, subject), "the erased user is still subscribed");
        if (retentionHold)
        {
            Assert.Equal([$"{prefix}:{{{world.Organization}}}:metalog"], await RedisTrace.FindAsync(redis.Server.Configuration, prefix, subject));
        }
    }

    [Fact]
    public async Task UserWhoOnlyInstalled_IsNeverSubscribedPolledStoredOrStreamed_EvenWhenAConnectorAsksByMail()
    {
        var graphRequests = new GraphRequestRecorder();
        var (world, prefix) = await StartAsync(users: 4, graphRequests);
        await using var _ = world;
        var bystander = world.UserIds[3];
        const string bystanderMail = "bystander@contoso.com";
        var bystanderUpn = Upn(4);
        var handler = new RecordingHandler();
        await using var connector = await ConnectAndSeeAsync(world, handler, world.UserIds[1]);

        // The bystander installs the app but never signs in; their presence and profile change; time passes through
        // sweeps and reconciliations.
        world.Control.InstallApp(bystander, world.TeamsAppId);
        world.Control.SetUserPresence(bystander, "DoNotDisturb", "Presenting");
        world.Control.UpdateUser(bystander, mail: bystanderMail, jobTitle: "Bystander");
        for (var i = 0; i < 3; i++)
        {
            world.Control.AdvanceClock(world.Gateway.Services.GetRequiredService<IOptions<GraphOptions>>().Value.ReconcileInterval + TimeSpan.FromSeconds(1));
            await world.Keeper.RunPassAsync(CancellationToken.None);
        }

        // Asked for by address, the bystander is unknown, while a consenting user is found the same way.
        var lastKnown = await connector.GetLastKnownPresenceAsync([UserReference.ForUserPrincipalName(bystanderUpn), UserReference.ForUserPrincipalName(Upn(3))]);
        Assert.Equal([false, true], lastKnown.Select(k => k.Found));
        var resolved = await connector.ResolveIdentityAsync(
            [IdentityQuery.ForPlatformUser("bystander@chat.example", mail: bystanderMail), IdentityQuery.ForUserPrincipalName(bystanderUpn),
             IdentityQuery.ForUserPrincipalName(Upn(3))]);
        Assert.Equal([IdentityMatch.None, IdentityMatch.None], resolved.Take(2).Select(r => r.Match));
        Assert.NotEqual(IdentityMatch.None, resolved[2].Match);
        // A later change of a consenting user arrives, so the bystander's would have too.
        world.Control.SetUserPresence(world.UserIds[2], "Away", "Away");
        await Eventually.UntilAsync(() => handler.Latest(world.UserIds[2])?.State.Availability == Presence.Availability.Away, because: "a consenting user's change did not arrive");

        Assert.False(Covered(world, bystander), "a user who only installed the app is subscribed");
        Assert.DoesNotContain(graphRequests.Requests, r => r.Contains(bystander, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(graphRequests.Requests, r => r.Contains(world.UserIds[2], StringComparison.OrdinalIgnoreCase));
        Assert.Empty(await RedisTrace.FindAsync(redis.Server.Configuration, prefix, bystander));
        Assert.Empty(await RedisTrace.FindAsync(redis.Server.Configuration, prefix, bystanderMail));
        Assert.Empty(await RedisTrace.FindAsync(redis.Server.Configuration, prefix, bystanderUpn));
        Assert.DoesNotContain(handler.Presence, e => e.Update.UserId == bystander);
        Assert.DoesNotContain(handler.Withdrawn, e => e.User.TeamsUserId == bystander);
    }

    private async Task<(GraphIngestWorld World, string Prefix)> StartAsync(int users = 3, GraphRequestRecorder? graphRequests = null)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var world = await GraphIngestWorld.StartAsync(users, redisConfiguration: redis.Server.Configuration,
            gatewaySettings: new Dictionary<string, string?> { ["Relay:KeyPrefix"] = prefix },
            configureServices: services =>
            {
                if (graphRequests is not null)
                {
                    services.AddHttpClient(GraphAppClients.HttpClientName).AddHttpMessageHandler(graphRequests.CreateHandler);
                }
            });
        // Two users install the app and sign in (both can own subscriptions); the third is assigned by an administrator.
        await world.SignInAsync(world.UserIds[0]);
        await world.SignInAsync(world.UserIds[1]);
        await world.AssignAsync(world.UserIds[2]);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        Assert.True(world.UserIds.Take(3).All(u => Covered(world, u)), "the keeper did not subscribe every consenting user");
        return (world, prefix);
    }

    /// <summary>A connected connector that has seen the user's presence, so the relay holds events about them.</summary>
    private static async Task<ConnectorClient> ConnectAndSeeAsync(GraphIngestWorld world, RecordingHandler handler, string userId)
    {
        var key = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");
        var connector = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");
        world.Control.SetUserPresence(userId, "Busy", "InACall");
        await Eventually.UntilAsync(() => handler.Latest(userId)?.State.Activity == Presence.Activity.InACall, because: "the user's presence did not reach the connector");
        return connector;
    }

    /// <summary>
    /// Keys still naming the user once the connector has acknowledged what it was sent: relay events are deleted as
    /// they are acknowledged, on the keeper's passes.
    /// </summary>
    private async Task<IReadOnlyList<string>> TracesAfterPassesAsync(GraphIngestWorld world, string prefix, string userId, bool exceptMetadataLog)
    {
        IReadOnlyList<string> traces = [];
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                await world.Keeper.RunPassAsync(CancellationToken.None);
                traces = (await RedisTrace.FindAsync(redis.Server.Configuration, prefix, userId))
                    .Where(k => !exceptMetadataLog || !k.EndsWith(":metalog", StringComparison.Ordinal)).ToList();
                return traces.Count == 0;
            });
        }
        catch (TimeoutException)
        {
            // Reported by the caller with the keys that remain.
        }

        return traces;
    }

    private static HttpRequestMessage AdminRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        return request;
    }

    /// <summary>The user principal name of the simulator's n-th user (from 1).</summary>
    private static string Upn(int n) => $"simuser{n:D6}@contoso.onmicrosoft.com";

    private static bool Covered(GraphIngestWorld world, string userId) =>
        world.Control.GetSubscriptions().Any(s => s.Resource.Contains("/communications/presences", StringComparison.Ordinal)
            && s.Resource.Contains(userId, StringComparison.OrdinalIgnoreCase));
}
