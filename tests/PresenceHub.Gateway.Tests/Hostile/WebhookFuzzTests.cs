using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Hostile;

/// <summary>
/// Generated hostile webhook bodies: random bytes, mutated and truncated genuine batches, deep nesting, type
/// confusion and tampered encrypted content. None may enter the relay, and none may make the webhook fail with 5xx.
/// </summary>
public sealed class WebhookFuzzTests
{
    [Fact]
    public async Task GeneratedHostileBodies_NeverEnterTheRelay_AndNeverFailTheWebhook()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2);
        var (owner, user) = (world.UserIds[0], world.UserIds[1]);
        await world.SubscribePresenceAsync(owner, [owner, user]);
        world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Activity == Activity.InACall);
        // The change can reach the relay first through a reconciliation poll; the genuine notification follows it.
        await Eventually.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)),
            because: "Graph never posted the change");
        var genuine = world.Webhook.Posts.Last(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)).Body;
        var forger = new BatchForger(world, genuine, user);
        var admitted = world.Metrics.Events;
        var random = new Random(20261123);
        var statuses = new Dictionary<HttpStatusCode, int>();
        var tried = 0;

        async Task PostAsync(string body)
        {
            tried++;
            using var response = await world.GatewayHttp.PostAsync(GraphWebhookEndpoints.NotificationsPath, new StringContent(body, Encoding.UTF8, "application/json"));
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            Assert.True((int)response.StatusCode < 500, $"input {tried} was answered {(int)response.StatusCode}: {body[..Math.Min(200, body.Length)]}");
        }

        for (var i = 0; i < 150; i++)
        {
            var bytes = new byte[random.Next(0, 8192)];
            random.NextBytes(bytes);
            await PostAsync(Encoding.Latin1.GetString(bytes));
        }

        // Mutations of a forged batch (everything genuine but the client state, which only Graph and we know).
        static void Forged(JsonObject item) => item["clientState"] = "guessed-client-state";
        for (var i = 0; i < 100; i++)
        {
            var text = forger.Batch("DoNotDisturb", "Presenting", Forged).ToJsonString();
            var chars = text.ToCharArray();
            var mutated = (i % 3) switch
            {
                0 => text[..random.Next(0, text.Length)],
                1 => Flip(chars, random),
                _ => text.Insert(random.Next(0, text.Length), new[] { "{", "]", "\"", ",", "null", "\\u0000", "1e999" }[random.Next(7)]),
            };
            await PostAsync(mutated);
        }

        foreach (var depth in new[] { 64, 256, 1_000, 10_000, 100_000 })
        {
            await PostAsync("{\"value\":" + new string('[', depth) + new string(']', depth) + "}");
            await PostAsync(new string('{', depth));
            await PostAsync("{\"value\":[{\"resourceData\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}]}");
        }

        foreach (var confusion in new Action<JsonObject>[]
        {
            b => b["value"] = "not an array", b => b["value"] = 42, b => b["value"] = new JsonObject(), b => b["value"] = null,
            b => b["value"]![0]!["subscriptionId"] = 7, b => b["value"]![0]!["resourceData"] = null, b => b["value"]![0]!["encryptedContent"] = "x",
            b => b["validationTokens"] = "x", b => b["validationTokens"] = new JsonArray(), b => b["value"]![0]!["tenantId"] = Guid.NewGuid().ToString(),
            b => b["value"]![0]!["clientState"] = new string('c', 100_000), b => b["value"]![0]!["resource"] = "users('x')/../../admin",
            b => b["value"] = new JsonArray([.. Enumerable.Range(0, 2_000).Select(_ => (JsonNode)new JsonObject { ["subscriptionId"] = Guid.NewGuid().ToString() })]),
        })
        {
            await PostAsync(forger.Batch("DoNotDisturb", "Presenting", Forged, batch: confusion).ToJsonString());
        }

        // Tampered encrypted content: every field of it, one flipped character at a time.
        foreach (var field in new[] { "data", "dataSignature", "dataKey", "encryptionCertificateId", "encryptionCertificateThumbprint" })
        {
            for (var i = 0; i < 12; i++)
            {
                await PostAsync(forger.Batch("DoNotDisturb", "Presenting", item =>
                {
                    var content = item["encryptedContent"]!.AsObject();
                    var value = (string)content[field]!;
                    var chars = value.ToCharArray();
                    var at = random.Next(chars.Length);
                    chars[at] = chars[at] == 'A' ? 'B' : 'A';
                    content[field] = new string(chars);
                }).ToJsonString());
            }
        }

        Assert.True(tried >= 330, $"only {tried} inputs were tried");
        Assert.Equal(admitted, world.Metrics.Events);
        Assert.Equal(Activity.InACall, (await world.LastKnownAsync(user))?.State.Activity);

        // Still healthy: a genuine change goes through.
        world.Control.SetUserPresence(user, "DoNotDisturb", "Presenting");
        await Eventually.UntilAsync(async () => (await world.LastKnownAsync(user))?.State.Activity == Activity.Presenting, because: "the webhook stopped admitting genuine changes");

        // Mutations of an authorized batch (its client state and validation token are genuine) may be admitted when
        // what they change is not what the gateway reads; they never fail the webhook and never produce anything but
        // the authenticated user's authenticated presence.
        for (var i = 0; i < 60; i++)
        {
            var text = forger.Batch("Away", "Away").ToJsonString();
            await PostAsync(i % 2 == 0 ? text[..random.Next(0, text.Length)] : Flip(text.ToCharArray(), random));
        }

        Assert.Contains((await world.LastKnownAsync(user))!.State.Activity, new[] { Activity.Presenting, Activity.Away });
        Assert.Null(await world.LastKnownAsync(owner));
    }

    private static string Flip(char[] chars, Random random)
    {
        var at = random.Next(chars.Length);
        chars[at] = (char)random.Next(32, 127);
        return new string(chars);
    }
}
