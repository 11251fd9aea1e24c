using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Both webhooks take notification bodies only as <c>application/json</c>, as Graph sends them: anything else is
/// answered 415 with problem details, counted as <c>unsupported-media-type</c>, and publishes nothing.
/// </summary>
public sealed class WebhookContentTypeTests
{
    [Fact]
    public async Task PresenceChange_DeliveredAsTextPlain_Is415_AndReachesNeitherRelayNorConnector_WhileJsonFlows()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 2);
        var (owner, user) = (world.UserIds[0], world.UserIds[1]);
        await world.SubscribePresenceAsync(owner, [owner, user]);
        await using var feed = await world.Relay.OpenFeedAsync(new ConnectorFeedId(world.Organization, "xmpp"), "c1", CancellationToken.None);

        // The knob unset: Graph's application/json flows through to the connector's feed.
        world.Control.SetUserPresence(user, "Busy", "InACall");
        var flowed = new List<PresenceUpdate>();
        await Eventually.UntilAsync(async () =>
        {
            flowed.AddRange(await ReadFeedAsync(feed));
            return flowed.Any(p => p.UserId == user && p.State.Activity == Activity.InACall);
        }, because: "a presence change delivered as application/json never reached the connector's feed");
        await Eventually.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status == 202 && p.Body.Contains("encryptedContent", StringComparison.Ordinal)),
            because: "no rich notification was answered 202");
        var admitted = world.Metrics.Events;
        Assert.True(admitted > 0, "the change did not come through the webhook");

        world.Control.ConfigureFaults(f => f with { DeliveryContentType = "text/plain" });
        world.Control.SetUserPresence(user, "DoNotDisturb", "Presenting");

        await Eventually.UntilAsync(() => world.Webhook.Posts.Any(p => p.Status == 415), because: "no text/plain delivery was answered 415");
        Assert.Equal(world.Webhook.Posts.Count(p => p.Status == 415), world.Metrics.Rejected("unsupported-media-type"));
        Assert.Equal(admitted, world.Metrics.Events);
        Assert.Equal(Activity.InACall, (await world.LastKnownAsync(user))?.State.Activity);
        Assert.DoesNotContain(await ReadFeedAsync(feed), p => p.UserId == user && p.State.Activity == Activity.Presenting);
    }

    [Theory]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, "text/plain")]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, "application/xml")]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, "application/x-www-form-urlencoded")]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, null)]
    [InlineData(GraphWebhookEndpoints.LifecyclePath, "text/plain")]
    [InlineData(GraphWebhookEndpoints.LifecyclePath, null)]
    public async Task NotificationPost_NotJson_Is415ProblemDetails_CountedAsUnsupportedMediaType(string path, string? contentType)
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"value\":[]}"));
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);

        using var response = await world.GatewayHttp.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, world.Metrics.Rejected("unsupported-media-type"));
        Assert.Equal(1, world.Metrics.RejectedTotal);
    }

    [Theory]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, "application/json")]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, "application/json; charset=utf-8")]
    [InlineData(GraphWebhookEndpoints.NotificationsPath, "Application/JSON; charset=UTF-8")]
    [InlineData(GraphWebhookEndpoints.LifecyclePath, "application/json; charset=utf-8")]
    public async Task NotificationPost_Json_WithOrWithoutCharset_IsAccepted(string path, string contentType)
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"value\":[]}"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await world.GatewayHttp.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, world.Metrics.RejectedTotal);
    }

    /// <summary>What the feed holds now (acknowledged), waiting a moment for anything in flight.</summary>
    private static async Task<IReadOnlyList<PresenceUpdate>> ReadFeedAsync(IRelayFeed feed)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            var events = await feed.ReadAsync(256, timeout.Token);
            await feed.AcknowledgeAsync([.. events.Select(e => e.Id)], CancellationToken.None);
            return [.. events.Where(e => e.Presence is not null).Select(e => e.Presence!)];
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return [];
        }
    }
}
