using System.Net;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Subscriptions;

/// <summary>Graph losing a subscription without a lifecycle notification, on demand: deleted silently or expired early.</summary>
public sealed class SilentSubscriptionLossTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 2);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LostSubscription_StopsDelivering_AnswersGet404_AndSendsNoLifecycleNotification(bool deleted)
    {
        var user = _world.UserIds[0];
        var lost = await _world.SubscribePresenceAsync([user], owner: 0, lifecycle: true);
        var sentinel = await _world.SubscribePresenceAsync([user], owner: 1);

        Assert.True(deleted ? _world.Control.DeleteSubscriptionSilently(lost) : _world.Control.ExpireSubscriptionEarly(lost));

        Assert.DoesNotContain(_world.Control.GetSubscriptions(), s => s.Id == lost);
        using var get = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{lost}", _world.UserToken());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        _world.Control.SetUserPresence(user, "Busy", "InAMeeting");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Any(i => (string?)i["subscriptionId"] == sentinel), "the live subscription was notified");
        // Past the moment Graph would have asked to reauthorize the lost one: nothing about it arrives, ever.
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(55));
        _world.Control.SetUserPresence(user, "Away", "Away");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count(i => (string?)i["subscriptionId"] == sentinel) == 2, "the second change was notified");
        Assert.DoesNotContain(_world.Receiver.Items(), i => (string?)i["subscriptionId"] == lost);
        Assert.Empty(_world.Receiver.Items("lifecycle"));
    }

    [Fact]
    public async Task LosingASubscription_ThatIsGone_ReturnsFalse()
    {
        var id = await _world.SubscribeUsersAsync();
        Assert.True(_world.Control.ExpireSubscriptionEarly(id));

        Assert.False(_world.Control.ExpireSubscriptionEarly(id));
        Assert.False(_world.Control.DeleteSubscriptionSilently(id));
        Assert.False(_world.Control.DeleteSubscriptionSilently("00000000-0000-0000-0000-000000000000"));
    }

    [Fact]
    public async Task HttpControl_DeletesAndExpiresSubscriptions_AndGetsAreCounted()
    {
        var deleted = await _world.SubscribeUsersAsync();
        var expired = await _world.SubscribePresenceAsync([_world.UserIds[0]]);
        var readsBefore = _world.Control.Statistics.SubscriptionReads;

        using var delete = await _world.Http.DeleteAsync($"_simulator/subscriptions/{deleted}");
        using var expire = await _world.Http.PostAsync($"_simulator/subscriptions/{expired}/expire", null);
        using var again = await _world.Http.DeleteAsync($"_simulator/subscriptions/{deleted}");
        using var getDeleted = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{deleted}", _world.AppToken());
        using var getExpired = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{expired}", _world.UserToken());

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, expire.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, getDeleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, getExpired.StatusCode);
        Assert.Empty(_world.Control.GetSubscriptions());
        Assert.Equal(readsBefore + 2, _world.Control.Statistics.SubscriptionReads);
    }
}
