using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Forged validation tokens are anyone's to send: each is counted by reason, and logged at Warning at most once per
/// interval and reason, so a flood of them writes a line per reason and no error.
/// </summary>
public sealed class ValidationTokenRefusalTests
{
    private const int RefusalLogEvent = 2080;

    [Fact]
    public async Task FiftyForgedTokens_CountFifty_AndLogOneWarningPerReason_ThenOneMoreOnceTheIntervalPasses()
    {
        var logs = new GatewayLogCollector();
        await using var world = await GraphIngestWorld.StartAsync(users: 2, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var (owner, user) = (world.UserIds[0], world.UserIds[1]);
        // A Teams SSO sign-in first, so the gateway's Entra bearer authentication (and IdentityModel's logging) is set up.
        await world.SignInAsync(owner);
        await world.SubscribePresenceAsync(owner, [owner, user]);
        world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)),
            because: "no rich notification was delivered");
        var forger = new BatchForger(world, world.Webhook.Posts.Last(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)).Body, user);
        Assert.Equal(0, world.Metrics.ValidationTokensRefusedTotal);

        for (var i = 0; i < 50; i++)
        {
            var batch = i % 5 < 3
                ? forger.Batch("Away", "Away", token: c => c["aud"] = Guid.NewGuid().ToString())
                : forger.Batch("Away", "Away", token: c => c["iss"] = $"https://sts.windows.net/{Guid.NewGuid()}/");
            using var response = await forger.PostAsync(batch);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(30, world.Metrics.ValidationTokensRefused("audience"));
        Assert.Equal(20, world.Metrics.ValidationTokensRefused("issuer"));
        Assert.Equal(50, world.Metrics.ValidationTokensRefusedTotal);
        Assert.Equal(50, world.Metrics.Rejected("validation-token"));
        Assert.NotEqual(Activity.Away, (await world.LastKnownAsync(user))?.State.Activity);
        var refusals = RefusalLines(logs);
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, line => Assert.Equal(LogLevel.Warning, line.Level));
        Assert.Single(refusals, line => line.Message.Contains("(audience)", StringComparison.Ordinal));
        Assert.Single(refusals, line => line.Message.Contains("(issuer)", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Level >= LogLevel.Error);

        // Once the interval has passed, the next refusal is logged again, with the count of those left unlogged.
        world.Control.AdvanceClock(ValidationTokenValidator.RefusalLogInterval);
        using (var response = await forger.PostAsync(forger.Batch("Away", "Away", token: c => c["aud"] = Guid.NewGuid().ToString())))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var again = Assert.Single(RefusalLines(logs).Skip(2));
        Assert.Contains("(audience); 29 more refusals", again.Message, StringComparison.Ordinal);
        Assert.Equal(51, world.Metrics.ValidationTokensRefusedTotal);
    }

    private static List<GatewayLogCollector.LogLine> RefusalLines(GatewayLogCollector logs) =>
        [.. logs.Lines.Where(line => line.EventId.Id == RefusalLogEvent)];
}
