using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

public sealed class PresenceSubscriptionPlannerTests
{
    private static readonly OrganizationId Contoso = OrganizationId.Parse("6f1c8b2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b");

    [Fact]
    public void Plan_ManyUsers_PacksAtMost650PerOwnerAndCoversEveryone()
    {
        var users = Enumerable.Range(0, 1_400).Select(i => $"user-{i:D4}").ToList();
        var plan = PresenceSubscriptionPlanner.Plan(users, ["user-0000", "user-0001", "user-0002"], []);

        Assert.Equal(3, plan.Create.Count);
        Assert.All(plan.Create, c => Assert.InRange(c.UserIds.Count, 1, 650));
        Assert.Equal(users.Order(), plan.Create.SelectMany(c => c.UserIds).Order());
        Assert.Equal(3, plan.Create.Select(c => c.OwnerUserId).Distinct().Count());
        Assert.Empty(plan.Uncovered);
    }

    [Fact]
    public void Plan_TooFewOwners_ReportsUncoveredUsers()
    {
        var users = Enumerable.Range(0, 700).Select(i => $"user-{i:D4}").ToList();
        var plan = PresenceSubscriptionPlanner.Plan(users, ["user-0000"], []);
        Assert.Equal(650, Assert.Single(plan.Create).UserIds.Count);
        Assert.Equal(50, plan.Uncovered.Count);
    }

    [Fact]
    public void Plan_NothingChanged_KeepsEverySubscription()
    {
        var existing = Subscription("s1", "owner", ["owner", "a", "b"]);
        var plan = PresenceSubscriptionPlanner.Plan(["owner", "a", "b"], ["owner"], [existing]);
        Assert.Equal(existing, Assert.Single(plan.Keep));
        Assert.Empty(plan.Delete);
        Assert.Empty(plan.Create);
    }

    [Fact]
    public void Plan_UserLeft_RecreatesOnlyThatSubscriptionWithoutThem()
    {
        var first = Subscription("s1", "o1", ["o1", "a"]);
        var second = Subscription("s2", "o2", ["o2", "b"]);
        var plan = PresenceSubscriptionPlanner.Plan(["o1", "o2", "b"], ["o1", "o2"], [first, second]);
        Assert.Equal(second, Assert.Single(plan.Keep));
        Assert.Equal(first, Assert.Single(plan.Delete));
        var created = Assert.Single(plan.Create);
        Assert.Equal("o1", created.OwnerUserId);
        Assert.Equal(["o1"], created.UserIds);
    }

    [Fact]
    public void Plan_OwnerSignedOut_DeletesTheirSubscriptionAndMovesUsersToAnotherOwner()
    {
        var existing = Subscription("s1", "o1", ["o1", "a"]);
        var plan = PresenceSubscriptionPlanner.Plan(["o1", "a", "o2"], ["o2"], [existing]);
        Assert.Equal(existing, Assert.Single(plan.Delete));
        var created = Assert.Single(plan.Create);
        Assert.Equal("o2", created.OwnerUserId);
        Assert.Equal(["a", "o1", "o2"], created.UserIds.Order());
    }

    [Fact]
    public void Plan_NewUserAndNoFreeOwner_GrowsAnExistingSubscription()
    {
        var existing = Subscription("s1", "o1", ["o1"]);
        var plan = PresenceSubscriptionPlanner.Plan(["o1", "new"], ["o1"], [existing]);
        Assert.Equal(existing, Assert.Single(plan.Delete));
        Assert.Equal(["new", "o1"], Assert.Single(plan.Create).UserIds.Order());
        Assert.Empty(plan.Uncovered);
    }

    [Fact]
    public void Covers_FollowsTheUsersEvenAfterThemChange()
    {
        var subscription = Subscription("s1", "o1", ["o1", "A"]);
        Assert.True(subscription.Covers("a"));
        Assert.False(subscription.Covers("b"));
        var changed = subscription with { UserIds = ["b"] };
        Assert.True(changed.Covers("B"));
        Assert.False(changed.Covers("a"));
        Assert.NotEqual(subscription, changed);
        Assert.Equal(subscription, subscription with { UserIds = ["o1", "A"] });
    }

    private static GraphSubscription Subscription(string id, string owner, string[] users) =>
        new(id, Contoso, GraphSubscriptionKind.Presence, "/communications/presences", "state", owner, users, DateTimeOffset.UnixEpoch);
}
