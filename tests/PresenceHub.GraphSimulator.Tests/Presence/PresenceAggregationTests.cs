using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests.Presence;

/// <summary>Aggregation order, idle fade, expiry and sequence numbers, through the public control API and setPresence.</summary>
public sealed class PresenceAggregationTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync() => _world = await TestWorld.StartAsync(users: 2);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private string User => _world.UserIds[0];

    [Fact]
    public async Task Sessions_AggregateDoNotDisturbOverBusyOverAvailableOverAway()
    {
        _world.Control.SetUserPresence(User, "Away", "Away");
        await SetSession(_world.OtherClientId, "Available", "Available");
        Assert.Equal(("Available", "Available"), Current());

        await SetSession(_world.ClientId, "Busy", "InACall");
        Assert.Equal(("Busy", "InACall"), Current());

        _world.Control.SetUserPresence(User, "DoNotDisturb", "Presenting");
        Assert.Equal(("DoNotDisturb", "Presenting"), Current());

        _world.Control.SetUserPresence(User, "Away", "Away");
        await Clear(_world.ClientId);
        Assert.Equal(("Available", "Available"), Current());

        await Clear(_world.OtherClientId);
        Assert.Equal(("Away", "Away"), Current());
    }

    [Fact]
    public async Task AvailableSession_FadesToAvailableIdleAfterFiveMinutes()
    {
        await SetSession(_world.ClientId, "Available", "Available", "PT1H");
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.Equal(("Available", "Available"), Current());
        _world.Control.AdvanceClock(TimeSpan.FromSeconds(1));
        Assert.Equal(("AvailableIdle", "Available"), Current());

        // Refreshing the session makes the user available again.
        await SetSession(_world.ClientId, "Available", "Available", "PT1H");
        Assert.Equal(("Available", "Available"), Current());
    }

    [Fact]
    public async Task IdleFade_NotifiesSubscribers()
    {
        await _world.SubscribePresenceAsync([User]);
        await SetSession(_world.ClientId, "Available", "Available", "PT1H");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 1, "the Available change was delivered");
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(5));
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count == 2, "the idle fade was delivered");
    }

    [Fact]
    public async Task Session_ExpiresOnSimulatorClock()
    {
        _world.Control.SetUserPresence(User, "Away", "Away");
        await SetSession(_world.ClientId, "DoNotDisturb", "Presenting", "PT30M");
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(29));
        Assert.Equal(("DoNotDisturb", "Presenting"), Current());
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(1));
        Assert.Equal(("Away", "Away"), Current());
    }

    [Fact]
    public async Task EveryChange_BumpsLexicographicallySortableSequenceNumber()
    {
        var seen = new List<string> { _world.Control.GetPresence(User).SequenceNumber };
        foreach (var (a, b) in new[] { ("Available", "Available"), ("Busy", "InAMeeting"), ("Away", "Away") })
        {
            _world.Control.SetUserPresence(User, a, b);
            seen.Add(_world.Control.GetPresence(User).SequenceNumber);
        }

        await SetSession(_world.ClientId, "DoNotDisturb", "Presenting");
        seen.Add(_world.Control.GetPresence(User).SequenceNumber);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);

        var unchanged = _world.Control.GetPresence(User).SequenceNumber;
        _world.Control.SetUserPresence(User, "Away", "Away");
        Assert.Equal(unchanged, _world.Control.GetPresence(User).SequenceNumber);
    }

    private (string, string) Current()
    {
        var p = _world.Control.GetPresence(User);
        return (p.Availability, p.Activity);
    }

    private async Task SetSession(string appId, string availability, string activity, string duration = "PT1H")
    {
        using var response = await _world.SendAsync(HttpMethod.Post, $"v1.0/users/{User}/presence/setPresence", _world.Control.MintAppGraphToken(_world.TenantId, appId),
            new System.Text.Json.Nodes.JsonObject { ["sessionId"] = appId, ["availability"] = availability, ["activity"] = activity, ["expirationDuration"] = duration });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private async Task Clear(string appId)
    {
        using var response = await _world.SendAsync(HttpMethod.Post, $"v1.0/users/{User}/presence/clearPresence", _world.Control.MintAppGraphToken(_world.TenantId, appId),
            new System.Text.Json.Nodes.JsonObject { ["sessionId"] = appId });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
