using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Subscriptions Graph loses without a lifecycle notification are found by the keeper's checks between renewals
/// (<see cref="SubscriptionVerifier"/>) against the simulator, whose clock the tests drive.
/// </summary>
public sealed class SubscriptionCheckTests : IAsyncLifetime
{
    private GraphIngestWorld _world = null!;

    public async Task InitializeAsync() => _world = await GraphIngestWorld.StartAsync(users: 4);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private GraphOptions Options => _world.Gateway.Services.GetRequiredService<IOptions<GraphOptions>>().Value;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SubscriptionLostSilently_IsRecreatedWithinTheCheckInterval_AndNotificationsResume(bool deleted)
    {
        var (owner, user) = (_world.UserIds[0], _world.UserIds[1]);
        var original = await KeptPresenceSubscriptionAsync(owner, user);

        Assert.True(deleted ? _world.Control.DeleteSubscriptionSilently(original.Id) : _world.Control.ExpireSubscriptionEarly(original.Id));
        _world.Control.SetUserPresence(user, "DoNotDisturb", "Presenting");
        // The bound: one check interval plus the keeper's own interval; well before the 35 minutes to its renewal.
        var passes = (int)((Options.SubscriptionCheckInterval + Options.KeeperInterval) / Options.KeeperInterval);
        for (var pass = 0; pass < passes; pass++)
        {
            _world.Control.AdvanceClock(Options.KeeperInterval);
            await _world.Keeper.RunPassAsync(CancellationToken.None);
        }

        var replacement = Assert.Single(PresenceSubscriptions());
        Assert.NotEqual(original.Id, replacement.Id);
        Assert.Equal(owner, replacement.CreatorId);
        Assert.Null(await _world.Subscriptions.FindAsync(original.Id, CancellationToken.None));
        // The gap was reconciled, and the new subscription delivers.
        Assert.Equal(PresenceCategory.Presenting, (await _world.LastKnownAsync(user))?.State.Category);
        _world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(async () => (await _world.LastKnownAsync(user))?.State.Category == PresenceCategory.InACall,
            because: "the change after recreation did not arrive");
        await Eventually.UntilAsync(() => _world.Webhook.Posts.Any(p => p.Body.Contains(replacement.Id, StringComparison.Ordinal)),
            because: "the replacement delivered the change");
    }

    [Fact]
    public async Task EveryInterval_EachSubscriptionCostsOneGet_AndNoOtherCall()
    {
        await KeptPresenceSubscriptionAsync(_world.UserIds[0], _world.UserIds[1]);
        var kept = (await _world.Subscriptions.ListAsync(_world.Organization, CancellationToken.None)).Count;
        Assert.True(kept >= 3, "presence, users and app-installation subscriptions");
        var (reads, calls) = (_world.Control.Statistics.SubscriptionReads, _world.Keeper.CallCount);

        var passes = (int)(Options.SubscriptionCheckInterval / Options.KeeperInterval);
        for (var interval = 1; interval <= 3; interval++)
        {
            for (var pass = 0; pass < passes; pass++)
            {
                _world.Control.AdvanceClock(Options.KeeperInterval);
                await _world.Keeper.RunPassAsync(CancellationToken.None);
            }

            Assert.Equal(reads + interval * kept, _world.Control.Statistics.SubscriptionReads);
            Assert.Equal(calls + interval * kept, _world.Keeper.CallCount);
        }
    }

    [Fact]
    public async Task RequestedCheck_FindsALostSubscriptionOnTheNextPass_AndChecksOnlyWhatCoversTheUsers()
    {
        var (owner, user, bystander) = (_world.UserIds[0], _world.UserIds[1], _world.UserIds[2]);
        var original = await KeptPresenceSubscriptionAsync(owner, user);
        var verifier = _world.Gateway.Services.GetRequiredService<SubscriptionVerifier>();
        var reads = _world.Control.Statistics.SubscriptionReads;

        verifier.RequestCheck(_world.Organization, [bystander]);
        await _world.Keeper.RunPassAsync(CancellationToken.None);
        Assert.Equal(reads, _world.Control.Statistics.SubscriptionReads);

        Assert.True(_world.Control.DeleteSubscriptionSilently(original.Id));
        verifier.RequestCheck(_world.Organization, [user]);
        await _world.Keeper.RunPassAsync(CancellationToken.None);

        Assert.Equal(reads + 1, _world.Control.Statistics.SubscriptionReads);
        Assert.NotEqual(original.Id, Assert.Single(PresenceSubscriptions()).Id);
    }

    /// <summary>
    /// The owner signs in and the user is assigned; the keeper creates the presence subscription and has seen it
    /// since (as a running keeper has), so the checks' schedule holds from now.
    /// </summary>
    private async Task<GraphSimulator.SubscriptionInfo> KeptPresenceSubscriptionAsync(string owner, string user)
    {
        await _world.SignInAsync(owner);
        await _world.AssignAsync(user);
        await _world.Keeper.RunPassAsync(CancellationToken.None);
        await _world.Keeper.RunPassAsync(CancellationToken.None);
        return Assert.Single(PresenceSubscriptions());
    }

    private IReadOnlyList<GraphSimulator.SubscriptionInfo> PresenceSubscriptions() =>
        _world.Control.GetSubscriptions().Where(s => s.Resource.Contains("/communications/presences", StringComparison.Ordinal)).ToList();
}
