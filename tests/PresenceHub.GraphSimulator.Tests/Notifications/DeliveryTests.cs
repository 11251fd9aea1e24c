using System.Text.Json.Nodes;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Notifications;

/// <summary>Delivery rules: expiry, retries and give-up, slow-endpoint throttling, lifecycle, batching, notification shapes.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await TestWorld.StartAsync(users: 3);
        ParseNodeFactoryRegistry.DefaultInstance.ContentTypeAssociatedFactories.TryAdd("application/json", new JsonParseNodeFactory());
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private SimulatorControl Control => _world.Control;

    [Fact]
    public async Task ExpiredSubscription_GetsNoNotification()
    {
        var user = _world.UserIds[0];
        var expiring = await _world.SubscribePresenceAsync([user], owner: 0, lifetime: TimeSpan.FromMinutes(45));
        Control.AdvanceClock(TimeSpan.FromMinutes(30));
        var sentinel = await _world.SubscribePresenceAsync([user], owner: 1, lifetime: TimeSpan.FromMinutes(60));
        Control.AdvanceClock(TimeSpan.FromMinutes(16));

        Control.SetUserPresence(user, "Busy", "InAMeeting");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Any(i => (string?)i["subscriptionId"] == sentinel), "the live subscription was notified");
        Assert.DoesNotContain(_world.Receiver.Items(), i => (string?)i["subscriptionId"] == expiring);
    }

    [Fact]
    public async Task FailedDelivery_IsNotRetriedAfterSubscriptionExpires()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]], lifetime: TimeSpan.FromMinutes(45));
        Control.AdvanceClock(TimeSpan.FromMinutes(44) + TimeSpan.FromSeconds(30));
        _world.Receiver.Respond = _ => 500;
        Control.SetUserPresence(_world.UserIds[0], "Away", "Away");
        await Eventually.UntilAsync(() => Control.Statistics.FailedPosts == 1, "the first delivery failed");

        _world.Receiver.Respond = _ => 202;
        Control.AdvanceClock(TimeSpan.FromMinutes(2));
        await Eventually.UntilAsync(() => Control.Statistics.DiscardedExpired == 1, "the retry found the subscription expired");
        Assert.Single(_world.Receiver.Posts);
        Assert.Equal(0, Control.Statistics.SuccessfulPosts);
    }

    [Fact]
    public async Task FailedDelivery_IsRetriedWithBackoffAndDelivered()
    {
        await _world.SubscribeUsersAsync();
        var calls = 0;
        _world.Receiver.Respond = _ => Interlocked.Increment(ref calls) == 1 ? 503 : 202;
        Control.AddUser(_world.TenantId, new SimulatedUser { DisplayName = "New Hire" });
        await Eventually.UntilAsync(() => Control.Statistics.FailedPosts == 1, "the first delivery failed");

        Control.AdvanceClock(TimeSpan.FromMinutes(1));
        await Eventually.UntilAsync(() => Control.Statistics.SuccessfulPosts == 1, "the retry was delivered");
        Assert.Equal(_world.Receiver.Posts[0].Body, _world.Receiver.Posts[1].Body);
    }

    [Fact]
    public async Task FailingEndpoint_IsRetriedForFourHoursThenGivenUp()
    {
        await _world.SubscribeUsersAsync();
        _world.Receiver.Respond = _ => 500;
        Control.AddUser(_world.TenantId, new SimulatedUser { DisplayName = "New Hire" });
        await Eventually.UntilAsync(() => Control.Statistics.FailedPosts == 1, "the first delivery failed");

        for (var hour = 0; hour < 10 && Control.Statistics.GivenUpBatches == 0; hour++)
        {
            var failed = Control.Statistics.FailedPosts;
            Control.AdvanceClock(TimeSpan.FromHours(1));
            await Eventually.UntilAsync(() => Control.Statistics.FailedPosts > failed, "a retry was attempted");
        }

        Assert.Equal(1, Control.Statistics.GivenUpBatches);
        var attempts = _world.Receiver.Posts.Count;
        Assert.InRange(attempts, 4, 10);

        // Nothing is retried any more.
        Control.AdvanceClock(TimeSpan.FromHours(5));
        _world.Receiver.Respond = _ => 202;
        Control.AddUser(_world.TenantId, new SimulatedUser { DisplayName = "Sentinel" });
        await Eventually.UntilAsync(() => Control.Statistics.SuccessfulPosts == 1, "the sentinel was delivered");
        Assert.Equal(attempts + 1, _world.Receiver.Posts.Count);
    }

    [Fact]
    public async Task SlowEndpoint_Over15PercentSlow_IsDroppedWhenSwitchOn()
    {
        Control.ConfigureFaults(f => f with { SlowEndpointThrottling = true });
        await DeliverHundredWithSlowResponses(16);

        ChangePresence(100);
        await Eventually.UntilAsync(() => Control.Statistics.DroppedByThrottling == 1, "the endpoint's notifications were dropped");
        Assert.Equal(100, _world.Receiver.Posts.Count);

        // Counters reset every 10 minutes.
        Control.AdvanceClock(TimeSpan.FromMinutes(10));
        ChangePresence(101);
        await Eventually.UntilAsync(() => _world.Receiver.Posts.Count == 101, "delivery resumed after the window reset");
    }

    [Fact]
    public async Task SlowEndpoint_Over10PercentSlow_IsDelayedTenMinutesWhenSwitchOn()
    {
        Control.ConfigureFaults(f => f with { SlowEndpointThrottling = true });
        await DeliverHundredWithSlowResponses(11);

        ChangePresence(100);
        await Eventually.UntilAsync(() => Control.Statistics.DeferredByThrottling == 1, "the endpoint was delayed");
        Assert.Equal(100, _world.Receiver.Posts.Count);

        Control.AdvanceClock(TimeSpan.FromMinutes(10));
        await Eventually.UntilAsync(() => _world.Receiver.Posts.Count == 101, "the delayed notification was delivered");
        Assert.Equal(0, Control.Statistics.DroppedByThrottling);
    }

    [Fact]
    public async Task SlowEndpoint_WithSwitchOff_KeepsDelivering()
    {
        Assert.False(Control.Faults.SlowEndpointThrottling);
        await DeliverHundredWithSlowResponses(16);

        ChangePresence(100);
        await Eventually.UntilAsync(() => _world.Receiver.Posts.Count == 101, "delivery went on");
        Assert.Equal(16, Control.Statistics.SlowPosts);
        Assert.Equal(0, Control.Statistics.DroppedByThrottling + Control.Statistics.DeferredByThrottling);
    }

    [Fact]
    public async Task ResponseSlowerThanThreeSeconds_CountsAsFailure()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        _world.Receiver.Respond = _ =>
        {
            Control.AdvanceClock(TimeSpan.FromSeconds(3.5));
            return 202;
        };
        ChangePresence(0);
        await Eventually.UntilAsync(() => Control.Statistics.FailedPosts == 1, "the late answer counted as a failure");
        Assert.Equal(0, Control.Statistics.SuccessfulPosts);
    }

    [Fact]
    public async Task ReauthorizationRequired_IsSentBeforeExpiryAndOnDemand()
    {
        var id = await _world.SubscribePresenceAsync([_world.UserIds[0]], lifecycle: true, lifetime: TimeSpan.FromMinutes(60));
        Control.AdvanceClock(TimeSpan.FromMinutes(49));
        Assert.Empty(_world.Receiver.Items("lifecycle"));
        Control.AdvanceClock(TimeSpan.FromMinutes(1));
        await Eventually.UntilAsync(() => _world.Receiver.Items("lifecycle").Count == 1, "reauthorizationRequired arrived before expiry");

        var collection = await KiotaJsonSerializer.DeserializeAsync<ChangeNotificationCollection>(_world.Receiver.Posts.Single(p => p.Path == "lifecycle").Body);
        var item = Assert.Single(collection!.Value!);
        Assert.Equal(LifecycleEventType.ReauthorizationRequired, item.LifecycleEvent);
        Assert.Equal(Guid.Parse(id), item.SubscriptionId);
        Assert.Equal("secret-client-state", item.ClientState);

        using var reauthorize = await _world.SendAsync(HttpMethod.Post, $"v1.0/subscriptions/{id}/reauthorize", _world.UserToken());
        Assert.Equal(System.Net.HttpStatusCode.NoContent, reauthorize.StatusCode);

        Assert.True(Control.SendReauthorizationRequired(id));
        await Eventually.UntilAsync(() => _world.Receiver.Items("lifecycle").Count == 2, "the on-demand notice arrived");
        Assert.Equal(2, Control.Statistics.LifecycleItemsDelivered);
    }

    [Fact]
    public async Task RenewedSubscription_GetsNoticeForTheNewExpiryOnly()
    {
        var id = await _world.SubscribeUsersAsync(lifecycle: true, lifetime: TimeSpan.FromHours(2));
        using var renew = await _world.SendAsync(HttpMethod.Patch, $"v1.0/subscriptions/{id}", _world.AppToken(), new JsonObject { ["expirationDateTime"] = Control.Now.AddHours(3).ToString("O") });
        Assert.Equal(System.Net.HttpStatusCode.OK, renew.StatusCode);

        Control.AdvanceClock(TimeSpan.FromMinutes(115));
        Control.AddUser(_world.TenantId, new SimulatedUser { DisplayName = "Sentinel" });
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 1, "the sentinel change arrived");
        Assert.Empty(_world.Receiver.Items("lifecycle"));

        Control.AdvanceClock(TimeSpan.FromMinutes(60));
        await Eventually.UntilAsync(() => _world.Receiver.Items("lifecycle").Count == 1, "the notice for the renewed expiry arrived");
    }

    [Fact]
    public async Task ChangesAcrossSubscriptionsAndTenants_ShareOneBatchWithATokenPerTenant()
    {
        var otherTenant = Control.AddTenant(new SimulatedTenant());
        var otherApp = new SimulatedApp { ClientSecret = "x" };
        var otherClient = Control.AddApp(otherTenant, otherApp);
        var otherUser = Control.AddUser(otherTenant, new SimulatedUser { DisplayName = "Fabrikam user" });
        await _world.SubscribePresenceAsync([_world.UserIds[0]], owner: 0);
        await _world.SubscribePresenceAsync([_world.UserIds[0]], owner: 1);
        using (var response = await _world.SendAsync(HttpMethod.Post, "v1.0/subscriptions", Control.MintUserGraphToken(otherTenant, otherUser, otherClient), _world.PresenceSubscriptionBody([otherUser], TimeSpan.FromMinutes(60))))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }

        Control.SetUserPresences([(_world.UserIds[0], "Busy", "InACall"), (otherUser, "Away", "Away")]);
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 3, "three items arrived");
        var post = Assert.Single(_world.Receiver.Posts);
        Assert.Equal(2, post.Json["validationTokens"]!.AsArray().Count);
        Assert.Equal(2, post.Items.Select(i => (string?)i["tenantId"]).Distinct().Count());
    }

    [Fact]
    public async Task UserAndInstallationChanges_AreNotifiedAsGraphDoes()
    {
        var usersSubscription = await _world.SubscribeUsersAsync();
        var teamsAppId = Guid.NewGuid().ToString();
        Control.AddTeamsApp(_world.TenantId, teamsAppId, "PresenceHub");
        using (var response = await _world.SendAsync(HttpMethod.Post, "v1.0/subscriptions", _world.AppToken(), new JsonObject
        {
            ["changeType"] = "created,deleted",
            ["notificationUrl"] = _world.Receiver.Url,
            ["resource"] = $"/appCatalogs/teamsApps/{teamsAppId}/installations?$filter=(scopeInfo/scope eq 'personal')",
            ["expirationDateTime"] = Control.Now.AddMinutes(60).ToString("O"),
        }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }

        var newUser = Control.AddUser(_world.TenantId, new SimulatedUser { DisplayName = "New Hire" });
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 1, "the user creation arrived");
        var created = _world.Receiver.Items()[0];
        Assert.Equal(usersSubscription, (string?)created["subscriptionId"]);
        Assert.Equal("created", (string?)created["changeType"]);
        Assert.Equal($"Users/{newUser}", (string?)created["resource"]);
        Assert.Equal("#Microsoft.Graph.User", (string?)created["resourceData"]!["@odata.type"]);

        var installation = Control.InstallApp(newUser, teamsAppId);
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 2, "the installation arrived");
        Assert.Equal($"users('{newUser}')/teamwork/installedApps('{installation}')", (string?)_world.Receiver.Items()[1]["resource"]);

        using var installed = await _world.SendAsync(HttpMethod.Get, $"v1.0/users/{newUser}/teamwork/installedApps?$expand=teamsApp", _world.AppToken());
        var app = (await TestWorld.JsonAsync(installed))["value"]!.AsArray().Single()!;
        Assert.Equal(teamsAppId, (string?)app["teamsApp"]!["id"]);
        Assert.Equal("PresenceHub", (string?)app["teamsApp"]!["displayName"]);

        Control.UninstallApp(newUser, teamsAppId);
        Control.DeleteUser(newUser);
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 4, "the uninstall and the deletion arrived");
        Assert.All(_world.Receiver.Items().Skip(2), i => Assert.Equal("deleted", (string?)i["changeType"]));
    }

    [Fact]
    public async Task PresenceExtrasSwitch_ControlsStatusMessageInRichNotifications()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        Control.SetStatusMessage(_world.UserIds[0], "Lunch");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 1, "the first change arrived");
        Assert.Equal("Lunch", (string?)Decrypt(_world.Receiver.Items()[0])["statusMessage"]!["message"]!["content"]);

        Control.ConfigureFaults(f => f with { IncludePresenceExtras = false });
        ChangePresence(1);
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 2, "the second change arrived");
        var plain = Decrypt(_world.Receiver.Items()[1]);
        Assert.Null(plain["statusMessage"]);
        Assert.Null(plain["sequenceNumber"]);
        Assert.NotNull(plain["availability"]);
    }

    private JsonObject Decrypt(JsonObject item)
    {
        var content = item["encryptedContent"]!;
        using var rsa = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(_world.EncryptionCertificate)!;
        var key = rsa.Decrypt(Convert.FromBase64String((string)content["dataKey"]!), System.Security.Cryptography.RSAEncryptionPadding.OaepSHA1);
        var data = Convert.FromBase64String((string)content["data"]!);
        Assert.Equal((string)content["dataSignature"]!, Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, data)));
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(data, key.AsSpan(0, 16), System.Security.Cryptography.PaddingMode.PKCS7);
        return (JsonObject)JsonNode.Parse(plain)!;
    }

    private void ChangePresence(int i) =>
        Control.SetUserPresence(_world.UserIds[0], i % 2 == 0 ? "Busy" : "Available", i % 2 == 0 ? "InAMeeting" : "Available");

    private async Task DeliverHundredWithSlowResponses(int slow)
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        var answered = 0;
        _world.Receiver.Respond = _ =>
        {
            if (Interlocked.Increment(ref answered) <= slow)
            {
                // 2,950 ms of simulated time pass while we answer: slow (> 2,900 ms) but within 3 s.
                Control.AdvanceClock(TimeSpan.FromMilliseconds(2950));
            }

            return 202;
        };
        for (var i = 0; i < 100; i++)
        {
            ChangePresence(i);
            var expected = i + 1;
            await Eventually.UntilAsync(() => _world.Receiver.Posts.Count == expected, $"notification {expected} arrived");
        }

        Assert.Equal(100, Control.Statistics.SuccessfulPosts);
    }
}
