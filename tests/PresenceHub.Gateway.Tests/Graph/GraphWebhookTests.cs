using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

public sealed class GraphWebhookTests : IAsyncLifetime
{
    private GraphIngestWorld _world = null!;

    public async Task InitializeAsync() => _world = await GraphIngestWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task PresenceChangeInTeams_ReachesRelayAsOneNormalizedEvent()
    {
        var (owner, user) = (_world.UserIds[0], _world.UserIds[1]);
        await _world.SubscribePresenceAsync(owner, [owner, user]);

        _world.Control.SetStatusMessage(user, "Back at three");
        _world.Control.SetUserPresence(user, "Busy", "InACall");

        var update = await Eventually.UntilAsync(async () => await _world.LastKnownAsync(user) is { } u && u.State.Activity == Activity.InACall ? u : null);
        Assert.Equal(_world.Organization, update.Organization);
        Assert.Equal(Platform.Teams, update.Source);
        Assert.Equal(Platform.Teams, update.Origin);
        Assert.Equal(PresenceCategory.InACall, update.State.Category);
        Assert.Equal("Back at three", update.State.StatusMessage?.Content);
        Assert.StartsWith("s", update.Version.Stamp, StringComparison.Ordinal);
    }
}
