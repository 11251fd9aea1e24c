using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

public sealed class SubscriptionKeeperTests : IAsyncLifetime
{
    private GraphIngestWorld _world = null!;

    public async Task InitializeAsync() => _world = await GraphIngestWorld.StartAsync(users: 4);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task SignedInOwner_GetsPresenceSubscriptionCoveringConsentingUsers_AndPresenceFlows()
    {
        var (owner, assigned, bystander) = (_world.UserIds[0], _world.UserIds[1], _world.UserIds[2]);
        await _world.SignInAsync(owner);
        await _world.AssignAsync(assigned);

        await _world.Keeper.RunPassAsync(CancellationToken.None);

        var subscription = Assert.Single(PresenceSubscriptions());
        Assert.Equal(owner, subscription.CreatorId);
        Assert.Contains(assigned, subscription.Resource, StringComparison.Ordinal);
        Assert.DoesNotContain(bystander, subscription.Resource, StringComparison.Ordinal);

        _world.Control.SetUserPresence(assigned, "Busy", "InAMeeting");
        await Eventually.UntilAsync(async () => (await _world.LastKnownAsync(assigned))?.State.Category == PresenceCategory.InAMeeting);
        Assert.Null(await _world.LastKnownAsync(bystander));
    }

    [Fact]
    public async Task AdminAssigningUsersWhoAlreadyConsented_KeepsTheSignedInOwnersSession()
    {
        var (owner, assigned) = (_world.UserIds[0], _world.UserIds[1]);
        await _world.SignInAsync(owner);
        await _world.AssignAsync(assigned);
        // Assigned again, both: the owner stays signed in (an assignment would replace their session) and nothing doubles.
        await _world.AssignAsync(owner);
        await _world.AssignAsync(assigned);

        await _world.Keeper.RunPassAsync(CancellationToken.None);

        var subscription = Assert.Single(PresenceSubscriptions());
        Assert.Equal(owner, subscription.CreatorId);
        Assert.Contains(assigned, subscription.Resource, StringComparison.Ordinal);
        var consents = await _world.Gateway.Services.GetRequiredService<PresenceHub.Gateway.Privacy.IConsentStore>().ListAsync(_world.Organization, CancellationToken.None);
        Assert.Equal(2, consents.Count);
        Assert.Equal(PresenceHub.Gateway.Privacy.ConsentSource.SignedIn, consents.Single(c => c.UserId == owner).Source);
    }

    [Fact]
    public async Task SixHoursLater_NoSubscriptionEverLapsed_AndNoChangeWasLost()
    {
        var (owner, user) = (_world.UserIds[0], _world.UserIds[1]);
        await _world.SignInAsync(owner);
        await _world.AssignAsync(user);
        await _world.Keeper.RunPassAsync(CancellationToken.None);
        string[] activities = ["InACall", "InAMeeting", "Busy"];

        for (var minute = 1; minute <= 6 * 60; minute++)
        {
            _world.Control.AdvanceClock(TimeSpan.FromMinutes(1));
            await _world.Keeper.RunPassAsync(CancellationToken.None);
            var live = PresenceSubscriptions();
            Assert.Single(live);
            Assert.True(live[0].Expiration > _world.Control.Now, $"the subscription lapsed at minute {minute}");

            if (minute % 30 == 0)
            {
                var activity = activities[minute / 30 % activities.Length];
                _world.Control.SetUserPresence(user, "Busy", activity);
                await Eventually.UntilAsync(async () => (await _world.LastKnownAsync(user))?.State.Activity == Activity.Parse(activity),
                    because: $"the change at minute {minute} did not arrive");
            }
        }
    }

    [Fact]
    public async Task ReauthorizationRequired_IsAnsweredAndSubscriptionStaysAlive()
    {
        var owner = _world.UserIds[0];
        await _world.SignInAsync(owner);
        await _world.Keeper.RunPassAsync(CancellationToken.None);
        var subscription = Assert.Single(PresenceSubscriptions());
        var callsBefore = _world.Keeper.CallCount;

        Assert.True(_world.Control.SendReauthorizationRequired(subscription.Id));
        await Eventually.UntilAsync(async () =>
        {
            await _world.Keeper.RunPassAsync(CancellationToken.None);
            return _world.Keeper.CallCount > callsBefore;
        });

        Assert.Equal(subscription.Id, Assert.Single(PresenceSubscriptions()).Id);
    }

    [Fact]
    public async Task SubscriptionDeletedInGraph_IsRecreatedAndGapReconciled()
    {
        var (owner, user) = (_world.UserIds[0], _world.UserIds[1]);
        await _world.SignInAsync(owner);
        await _world.AssignAsync(user);
        await _world.Keeper.RunPassAsync(CancellationToken.None);
        var original = Assert.Single(PresenceSubscriptions());

        await _world.DeleteInGraphAsync(original.Id, owner);
        _world.Control.SetUserPresence(user, "DoNotDisturb", "Presenting");
        _world.Control.AdvanceClock(TimeSpan.FromMinutes(50));
        await _world.Keeper.RunPassAsync(CancellationToken.None);

        var replacement = Assert.Single(PresenceSubscriptions());
        Assert.NotEqual(original.Id, replacement.Id);
        Assert.Equal(PresenceCategory.Presenting, (await _world.LastKnownAsync(user))?.State.Category);
    }

    /// <summary>The live presence subscriptions; the keeper also holds one app-only /users subscription.</summary>
    private IReadOnlyList<GraphSimulator.SubscriptionInfo> PresenceSubscriptions() =>
        _world.Control.GetSubscriptions().Where(s => s.Resource.Contains("/communications/presences", StringComparison.Ordinal)).ToList();
}
