using System.Net;
using PresenceHub.GraphSimulator.Tests.Subscriptions;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Notifications;

public sealed class FaultKnobTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 3);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private SimulatorControl Control => _world.Control;

    [Fact]
    public async Task DropNext_SilentlyDropsThatManyItems()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        Control.ConfigureFaults(f => f with { DropNext = 2 });
        Control.SetUserPresence(_world.UserIds[0], "Busy", "InACall");
        Control.SetUserPresence(_world.UserIds[0], "Away", "Away");
        Control.SetUserPresence(_world.UserIds[0], "Available", "Available");

        await Eventually.UntilAsync(() => _world.Receiver.Items().Count >= 1, "the third change arrived");
        Assert.Single(_world.Receiver.Items());
        Assert.Equal(2, Control.Statistics.DroppedByFault);
        Assert.Equal(0, Control.Faults.DropNext);
    }

    [Fact]
    public async Task DropPercentage100_DropsEverything()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        Control.ConfigureFaults(f => f with { DropPercentage = 100 });
        Control.SetUserPresence(_world.UserIds[0], "Busy", "InACall");
        Control.ConfigureFaults(f => f with { DropPercentage = 0 });
        Control.SetUserPresence(_world.UserIds[0], "Away", "Away");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count >= 1, "the sentinel arrived");
        Assert.Single(_world.Receiver.Items());
        Assert.Equal(1, Control.Statistics.DroppedByFault);
    }

    [Fact]
    public async Task DuplicateNext_DeliversTheSameItemTwiceInSeparatePosts()
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        Control.ConfigureFaults(f => f with { DuplicateNext = 1 });
        Control.SetUserPresence(_world.UserIds[0], "Busy", "InACall");
        await Eventually.UntilAsync(() => _world.Receiver.Posts.Count == 2, "the duplicate arrived");
        Assert.Equal(_world.Receiver.Posts[0].Items.Single().ToJsonString(), _world.Receiver.Posts[1].Items.Single().ToJsonString());
    }

    [Fact]
    public async Task DelayPercentage_HoldsAnItemBackUntilAfterALaterPost()
    {
        await _world.SubscribePresenceAsync(_world.UserIds.Take(2));
        Control.ConfigureFaults(f => f with { DelayPercentage = 100 });
        Control.SetUserPresence(_world.UserIds[0], "Busy", "InACall");
        Control.ConfigureFaults(f => f with { DelayPercentage = 0 });
        Control.SetUserPresence(_world.UserIds[1], "Away", "Away");

        await Eventually.UntilAsync(() => _world.Receiver.Posts.Count == 2, "the held-back item arrived");
        var resources = _world.Receiver.Posts.Select(p => (string)p.Items.Single()["resource"]!).ToList();
        Assert.Equal([$"communications/presences('{_world.UserIds[1]}')", $"communications/presences('{_world.UserIds[0]}')"], resources);
        Assert.Equal(1, Control.Statistics.DelayedByFault);
    }

    [Theory]
    [InlineData(null, "application/json; charset=utf-8")]
    [InlineData("text/plain", "text/plain; charset=utf-8")]
    public async Task DeliveryContentType_SetsTheContentTypeOfNotificationPosts(string? knob, string expected)
    {
        await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        Control.ConfigureFaults(f => f with { DeliveryContentType = knob });
        Control.SetUserPresence(_world.UserIds[0], "Busy", "InACall");

        await Eventually.UntilAsync(() => _world.Receiver.Items().Count >= 1, "the change arrived");
        var post = Assert.Single(_world.Receiver.Posts);
        Assert.Equal(expected, post.ContentType);
        Assert.Equal($"communications/presences('{_world.UserIds[0]}')", (string?)post.Items.Single()["resource"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reorder_ReversesItemsOfABatch(bool reorder)
    {
        await _world.SubscribePresenceAsync(_world.UserIds);
        Control.ConfigureFaults(f => f with { Reorder = reorder });
        Control.SetUserPresences(_world.UserIds.Select(u => (u, "Busy", "InAMeeting")));
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 3, "the batch arrived");

        var resources = Assert.Single(_world.Receiver.Posts).Items.Select(i => (string)i["resource"]!).ToList();
        var expected = _world.UserIds.Select(u => $"communications/presences('{u}')").ToList();
        if (reorder)
        {
            expected.Reverse();
        }

        Assert.Equal(expected, resources);
    }

    [Fact]
    public async Task ThrottleEveryNthCall_Answers429WithRetryAfter()
    {
        Control.ConfigureFaults(f => f with { ThrottleEveryNthCall = 3, RetryAfterSeconds = 7 });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await _world.SendAsync(HttpMethod.Get, "v1.0/users", _world.AppToken());
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
                await SubscriptionRulesTests.AssertGraphError(response, HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many");
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, Control.Statistics.ThrottledCalls);
    }

    [Fact]
    public void InvalidFaultSettings_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Control.SetFaults(new FaultSettings { DropPercentage = 150 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Control.SetFaults(new FaultSettings { DropNext = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Control.SetFaults(new FaultSettings { DelayPercentage = -1 }));
    }
}
