using System.Net;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Subscriptions;

/// <summary>Graph's limit on subscription writes (1,000 per 20 s per app per tenant), and the statistics that record them.</summary>
public sealed class SubscriptionWriteLimitTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 2);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Writes_Over1000In20Seconds_Answer429_AndStatisticsRecordPeakAndThrottled()
    {
        var id = await _world.SubscribeUsersAsync();
        for (var i = 1; i < 1000; i++)
        {
            using var renewed = await Renew(id);
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        using var throttled = await Renew(id);
        await SubscriptionRulesTests.AssertGraphError(throttled, HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many");
        // Reads are not writes: neither limited nor counted.
        using var read = await _world.SendAsync(HttpMethod.Get, $"v1.0/subscriptions/{id}", _world.AppToken());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        var statistics = _world.Control.Statistics;
        Assert.Equal(1001, statistics.SubscriptionWrites);
        Assert.Equal(1, statistics.SubscriptionWritesThrottled);
        Assert.Equal(1, statistics.ThrottledCalls);
        Assert.Equal(1000, statistics.PeakSubscriptionWritesPer20Seconds);

        _world.Control.AdvanceClock(TimeSpan.FromSeconds(20));
        using var delete = await _world.SendAsync(HttpMethod.Delete, $"v1.0/subscriptions/{id}", _world.AppToken());
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(1002, _world.Control.Statistics.SubscriptionWrites);
        Assert.Equal(1, _world.Control.Statistics.SubscriptionWritesThrottled);
    }

    [Fact]
    public async Task PeakSubscriptionWrites_IsTheMostInAny20Seconds_NotTheTotal()
    {
        var id = await _world.SubscribeUsersAsync();
        for (var i = 0; i < 2; i++)
        {
            using var renewed = await Renew(id);
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        // Three writes at one instant; 19 s later two more fall in the same window (five); 20 s after the first three,
        // those have left the window and four more make six with the two.
        _world.Control.AdvanceClock(TimeSpan.FromSeconds(19));
        for (var i = 0; i < 2; i++)
        {
            using var renewed = await Renew(id);
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        Assert.Equal(5, _world.Control.Statistics.PeakSubscriptionWritesPer20Seconds);
        _world.Control.AdvanceClock(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 4; i++)
        {
            using var renewed = await Renew(id);
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        var statistics = _world.Control.Statistics;
        Assert.Equal(9, statistics.SubscriptionWrites);
        Assert.Equal(6, statistics.PeakSubscriptionWritesPer20Seconds);
        Assert.Equal(0, statistics.SubscriptionWritesThrottled);
    }

    private Task<HttpResponseMessage> Renew(string id) =>
        _world.SendAsync(HttpMethod.Patch, $"v1.0/subscriptions/{id}", _world.AppToken(),
            new JsonObject { ["expirationDateTime"] = _world.Control.Now.AddHours(2).ToString("O") });
}
