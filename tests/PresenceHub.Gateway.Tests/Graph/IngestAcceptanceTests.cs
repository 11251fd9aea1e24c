using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>The end-to-end acceptance points of Graph ingest: Graph's faults, forged input and a Redis outage.</summary>
public sealed class IngestAcceptanceTests
{
    // States people use in Teams, as Graph pairs; consecutive entries differ, so every step is a real change.
    private static readonly (string Availability, string Activity)[] States =
    [
        ("Available", "Available"), ("Busy", "InACall"), ("Busy", "InAMeeting"), ("DoNotDisturb", "Presenting"),
        ("Away", "Away"), ("BeRightBack", "BeRightBack"), ("DoNotDisturb", "DoNotDisturb"), ("Offline", "OffWork"),
    ];

    [Fact]
    public async Task DuplicatedAndReorderedNotifications_FinalStateIsTruth_AndNoStaleStateFansOut()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var world = await GraphIngestWorld.StartAsync(users: 6, redisConfiguration: redis.Configuration);
        var users = world.UserIds;
        await world.SubscribePresenceAsync(users[0], users);
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);
        world.Control.ConfigureFaults(f => f with { DuplicatePercentage = 10, Reorder = true });

        // Rounds of one POST-sized batch each, and single changes in between, so batches hold several users' items.
        for (var round = 0; round < 30; round++)
        {
            world.Control.SetUserPresences(users.Select((u, i) => (u, States[(round + i) % States.Length].Availability, States[(round + i) % States.Length].Activity)));
            world.Control.SetUserPresence(users[round % users.Count], "Busy", "Busy");
        }

        var received = users.ToDictionary(u => u, _ => new List<PresenceVersion>(), StringComparer.Ordinal);
        await Eventually.UntilAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                var events = await feed.ReadAsync(256, timeout.Token);
                foreach (var e in events.Where(e => e.Presence is not null))
                {
                    received[e.Presence!.UserId].Add(e.Presence.Version);
                }

                await feed.AcknowledgeAsync([.. events.Select(e => e.Id)], CancellationToken.None);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }

            return users.All(u => received[u].Count > 0 && received[u][^1] == TruthVersion(world, u));
        }, because: "the connector's feed did not end at the simulator's truth for every user");

        Assert.True(world.Control.Statistics.DeliveredItems > 0);
        foreach (var user in users)
        {
            var versions = received[user];
            for (var i = 1; i < versions.Count; i++)
            {
                Assert.True(versions[i] > versions[i - 1], $"user {user}: version {versions[i]} fanned out after {versions[i - 1]}");
            }

            AssertIsTruth(world, user, await world.LastKnownAsync(user));
        }

        // The knobs were really on: duplicates reached the gateway and the relay did not fan them out again.
        Assert.True(world.Metrics.Events > received.Values.Sum(v => v.Count), "no duplicate or stale notification reached the gateway");
    }

    [Fact]
    public async Task FivePercentDropped_OneReconciliationSweepRepairsEveryUser()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 20);
        var (owner, users) = (world.UserIds[0], world.UserIds);
        await world.SignInAsync(owner);
        foreach (var user in users.Skip(1))
        {
            await world.AssignAsync(user);
        }

        await world.Keeper.RunPassAsync(CancellationToken.None);
        Assert.Single(world.Control.GetSubscriptions(), s => s.Resource.Contains("/communications/presences", StringComparison.Ordinal));
        var delivered = world.Control.Statistics.DeliveredItems;
        world.Control.ConfigureFaults(f => f with { DropPercentage = 5 });

        const int rounds = 20;
        for (var round = 0; round < rounds; round++)
        {
            if (round == rounds - 1)
            {
                // 5 % at random may spare every user's last change; these drops make sure some state is stale.
                world.Control.ConfigureFaults(f => f with { DropNext = 3 });
            }

            world.Control.SetUserPresences(users.Select((u, i) => (u, States[(round + i) % States.Length].Availability, States[(round + i) % States.Length].Activity)));
        }

        await Poll.UntilAsync(() =>
            world.Control.Statistics is var s && s.DeliveredItems - delivered + s.DroppedByFault >= rounds * users.Count,
            "every notification item was delivered or dropped");
        var stale = new List<string>();
        foreach (var user in users)
        {
            if (!IsTruth(world, user, await world.LastKnownAsync(user)))
            {
                stale.Add(user);
            }
        }

        Assert.NotEmpty(stale);

        world.Control.AdvanceClock(world.Gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphOptions>>().Value.ReconcileInterval + TimeSpan.FromSeconds(1));
        await world.Keeper.RunPassAsync(CancellationToken.None);

        foreach (var user in users)
        {
            AssertIsTruth(world, user, await world.LastKnownAsync(user));
        }
    }

    [Fact]
    public async Task ForgedNotifications_NeverEnterRelay_AreAnswered202_AndCountedByReason()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2);
        var (owner, user) = (world.UserIds[0], world.UserIds[1]);
        await world.SubscribePresenceAsync(owner, [owner, user]);
        world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Activity == Activity.InACall);
        // The state may arrive first by the keeper's reconciliation poll; the forger needs a real notification's body.
        await Eventually.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)),
            because: "no rich notification was delivered");
        var forger = new BatchForger(world, world.Webhook.Posts.Last(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)).Body, user);

        // The control: a batch built the same way with nothing altered is admitted, so every rejection below is the check's.
        using (var response = await forger.PostAsync(forger.Batch("DoNotDisturb", "Presenting")))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(Activity.Presenting, (await world.LastKnownAsync(user))?.State.Activity);
        var admitted = world.Metrics.Events;

        var foreignKey = new SigningKey(TimeProvider.System);
        var now = world.Control.Now.ToUnixTimeSeconds();
        (string Name, string Reason, JsonObject Batch)[] forgeries =
        [
            ("wrong clientState", "client-state", forger.Batch("Away", "Away", item => item["clientState"] = "guessed-client-state")),
            ("unknown subscription", "unknown-subscription", forger.Batch("Away", "Away", item => item["subscriptionId"] = Guid.NewGuid().ToString())),
            ("tampered signature", "encrypted-content", forger.Batch("Away", "Away", item => item["encryptedContent"]!["dataSignature"] = Convert.ToBase64String(new byte[32]))),
            ("tampered data", "encrypted-content", forger.Batch("Away", "Away", item => item["encryptedContent"]!["data"] = FlipFirstByte((string)item["encryptedContent"]!["data"]!))),
            ("token with wrong aud", "validation-token", forger.Batch("Away", "Away", token: c => c["aud"] = Guid.NewGuid().ToString())),
            ("token with wrong appid", "validation-token", forger.Batch("Away", "Away", token: c => c["appid"] = world.ClientId)),
            ("token with wrong issuer", "validation-token", forger.Batch("Away", "Away", token: c => c["iss"] = $"https://sts.windows.net/{Guid.NewGuid()}/")),
            ("expired token", "validation-token", forger.Batch("Away", "Away", token: c => (c["iat"], c["nbf"], c["exp"]) = (now - 7200, now - 7200, now - 3600))),
            ("token signed by a key not in the JWKS", "validation-token", forger.Batch("Away", "Away", signingKey: foreignKey)),
            ("no validation token", "validation-token", forger.Batch("Away", "Away", batch: b => b.Remove("validationTokens"))),
        ];

        foreach (var (name, reason, batch) in forgeries)
        {
            var before = world.Metrics.Rejected(reason);
            using var response = await forger.PostAsync(batch);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{name}: answered {(int)response.StatusCode}");
            Assert.True(world.Metrics.Rejected(reason) == before + 1, $"{name}: not counted as '{reason}'");
            Assert.True(world.Metrics.Events == admitted, $"{name}: admitted");
            Assert.True((await world.LastKnownAsync(user))?.State.Activity == Activity.Presenting, $"{name}: entered the relay");
        }

        foreignKey.Dispose();
    }

    [Fact]
    public async Task OversizedAndMalformedBodies_AreRejectedWithoutEnteringRelay()
    {
        const int maxBytes = 64 * 1024;
        await using var world = await GraphIngestWorld.StartAsync(users: 2,
            gatewaySettings: new Dictionary<string, string?> { ["Graph:MaxNotificationBytes"] = maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var (owner, user) = (world.UserIds[0], world.UserIds[1]);
        await world.SubscribePresenceAsync(owner, [owner, user]);
        world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Activity == Activity.InACall);
        var forger = new BatchForger(world, world.Webhook.Posts.Last(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)).Body, user);
        var admitted = world.Metrics.Events;

        // A batch that would be admitted, but for its size.
        var oversized = forger.Batch("DoNotDisturb", "Presenting", item => item["padding"] = new string('x', maxBytes));
        using (var response = await forger.PostAsync(oversized))
        {
            Assert.False(response.IsSuccessStatusCode, $"an oversized body was answered {(int)response.StatusCode}");
        }

        using (var response = await world.GatewayHttp.PostAsync(GraphWebhookEndpoints.NotificationsPath,
            new StringContent("{\"value\":[{\"subscriptionId\":", Encoding.UTF8, "application/json")))
        {
            Assert.False(response.IsSuccessStatusCode, $"malformed JSON was answered {(int)response.StatusCode}");
        }

        Assert.Equal(admitted, world.Metrics.Events);
        Assert.Equal(2, world.Metrics.Rejected("malformed"));
        Assert.Equal(Activity.InACall, (await world.LastKnownAsync(user))?.State.Activity);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Validation: token & more")]
    public async Task ValidationHandshake_EchoesTokenAsPlainText_NeverAsHtml(string token)
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);

        using var response = await world.GatewayHttp.PostAsync(
            $"{GraphWebhookEndpoints.NotificationsPath}?validationToken={Uri.EscapeDataString(token)}", new StringContent("", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(token, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RedisStopped_WebhookAnswers5xx_AndGraphRetriesDeliverEverythingOnceRedisReturns()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        await using var world = await GraphIngestWorld.StartAsync(users: 4, o => o.FirstRetryDelay = TimeSpan.FromSeconds(5), redis.Configuration);
        var users = world.UserIds;
        await world.SubscribePresenceAsync(users[0], users);
        world.Control.SetUserPresences(users.Select(u => (u, "Busy", "InACall")));
        await Eventually.UntilAsync(async () => await AllTruthAsync(world, users));

        var healthyPosts = world.Webhook.Posts.Count;
        await redis.KillAsync();
        for (var round = 0; round < 3; round++)
        {
            world.Control.SetUserPresences(users.Select((u, i) => (u, States[(round + i) % States.Length].Availability, States[(round + i) % States.Length].Activity)));
        }

        await Poll.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status >= 500), "the webhook answered 5xx while Redis was down");
        Assert.All(world.Webhook.Posts.Skip(healthyPosts), p => Assert.True(p.Status >= 500, $"answered {p.Status} while Redis was down"));

        await redis.RestartAsync();
        await Eventually.UntilAsync(async () =>
        {
            // The simulator's retries wait on its own clock: move it on by the backoff.
            world.Control.AdvanceClock(TimeSpan.FromSeconds(10));
            return await AllTruthAsync(world, users);
        }, because: "Graph's retries did not bring every user to the truth after Redis returned");

        Assert.True(world.Control.Statistics.FailedPosts > 0);
        Assert.Equal(0, world.Control.Statistics.GivenUpBatches);
    }

    private static async Task<bool> AllTruthAsync(GraphIngestWorld world, IReadOnlyList<string> users)
    {
        try
        {
            foreach (var user in users)
            {
                if (!IsTruth(world, user, await world.LastKnownAsync(user)))
                {
                    return false;
                }
            }

            return true;
        }
        catch (StateUnavailableException)
        {
            return false;
        }
    }

    private static PresenceVersion TruthVersion(GraphIngestWorld world, string user) =>
        PresenceVersion.FromSequence(world.Control.GetPresence(user).SequenceNumber);

    private static bool IsTruth(GraphIngestWorld world, string user, PresenceUpdate? known)
    {
        var truth = world.Control.GetPresence(user);
        return known is not null && known.Version == PresenceVersion.FromSequence(truth.SequenceNumber) &&
               known.State.Availability == Availability.Parse(truth.Availability) && known.State.Activity == Activity.Parse(truth.Activity);
    }

    private static void AssertIsTruth(GraphIngestWorld world, string user, PresenceUpdate? known)
    {
        var truth = world.Control.GetPresence(user);
        Assert.True(IsTruth(world, user, known),
            $"user {user}: last-known {known?.State.Availability}/{known?.State.Activity} {known?.Version}, Graph {truth.Availability}/{truth.Activity} {truth.SequenceNumber}");
    }

    private static string FlipFirstByte(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[0] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }
}
