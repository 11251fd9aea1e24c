using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>
/// What every subscription store and consent store must do, run against memory, Redis and a Redis Cluster. Each
/// call to a <c>New...Store</c> method stands for another gateway replica sharing the same state.
/// </summary>
public abstract class GraphStoresContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Expiry = new(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);

    private protected abstract IGraphSubscriptionStore NewSubscriptionStore();

    private protected abstract IConsentStore NewConsentStore();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Find_AfterSave_ReturnsEveryField()
    {
        var store = NewSubscriptionStore();
        var saved = Presence(NewOrganization(), "u1", "u2");

        await store.SaveAsync(saved, Timeout());
        var found = await store.FindAsync(saved.Id, Timeout());

        AssertSame(saved, found);
    }

    [Fact]
    public async Task Find_UnknownId_ReturnsNull()
    {
        var store = NewSubscriptionStore();

        Assert.Null(await store.FindAsync(Guid.NewGuid().ToString("D"), Timeout()));
    }

    [Fact]
    public async Task Find_IdInAnotherCase_ReturnsTheRecord()
    {
        var store = NewSubscriptionStore();
        var saved = Presence(NewOrganization(), "u1");
        await store.SaveAsync(saved, Timeout());

        var found = await store.FindAsync(saved.Id.ToUpperInvariant(), Timeout());

        AssertSame(saved, found);
    }

    [Fact]
    public async Task Find_RecordSavedByAnotherReplica_ReturnsIt()
    {
        var keeper = NewSubscriptionStore();
        var webhook = NewSubscriptionStore();
        var saved = Presence(NewOrganization(), "u1");
        Assert.Null(await webhook.FindAsync(saved.Id, Timeout()));

        await keeper.SaveAsync(saved, Timeout());

        AssertSame(saved, await webhook.FindAsync(saved.Id, Timeout()));
    }

    [Fact]
    public async Task Save_SameIdAgain_ReplacesTheRecord()
    {
        var store = NewSubscriptionStore();
        var organization = NewOrganization();
        var first = Presence(organization, "u1");
        await store.SaveAsync(first, Timeout());
        var renewed = first with { ExpiresAt = first.ExpiresAt.AddHours(1), UserIds = ["u1", "u3"] };

        await store.SaveAsync(renewed, Timeout());

        AssertSame(renewed, await store.FindAsync(first.Id, Timeout()));
        AssertSame(renewed, Assert.Single(await store.ListAsync(organization, Timeout())));
    }

    [Fact]
    public async Task List_ReturnsEveryRecordOfTheOrganizationAndNoOtherOrganizations()
    {
        var store = NewSubscriptionStore();
        var a = NewOrganization();
        var b = NewOrganization();
        var a1 = Presence(a, "u1");
        var a2 = Users(a);
        var b1 = Presence(b, "u1");
        foreach (var subscription in new[] { a1, a2, b1 })
        {
            await store.SaveAsync(subscription, Timeout());
        }

        var listA = await store.ListAsync(a, Timeout());
        var listB = await NewSubscriptionStore().ListAsync(b, Timeout());

        Assert.Equal(new[] { a1.Id, a2.Id }.Order(StringComparer.Ordinal), listA.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.All(listA, s => Assert.Equal(a, s.Organization));
        AssertSame(b1, Assert.Single(listB));
        Assert.Empty(await store.ListAsync(NewOrganization(), Timeout()));
    }

    [Fact]
    public async Task Delete_RemovesTheRecordForEveryReplica()
    {
        var store = NewSubscriptionStore();
        var organization = NewOrganization();
        var saved = Presence(organization, "u1");
        await store.SaveAsync(saved, Timeout());

        await store.DeleteAsync(organization, saved.Id, Timeout());

        Assert.Null(await store.FindAsync(saved.Id, Timeout()));
        Assert.Null(await NewSubscriptionStore().FindAsync(saved.Id, Timeout()));
        Assert.Empty(await store.ListAsync(organization, Timeout()));
    }

    [Fact]
    public async Task Delete_ByAnotherOrganization_LeavesTheRecord()
    {
        var store = NewSubscriptionStore();
        var owner = NewOrganization();
        var saved = Presence(owner, "u1");
        await store.SaveAsync(saved, Timeout());

        await store.DeleteAsync(NewOrganization(), saved.Id, Timeout());

        AssertSame(saved, await NewSubscriptionStore().FindAsync(saved.Id, Timeout()));
        AssertSame(saved, Assert.Single(await store.ListAsync(owner, Timeout())));
    }

    [Fact]
    public async Task Delete_MissingRecord_DoesNothing()
    {
        var store = NewSubscriptionStore();

        await store.DeleteAsync(NewOrganization(), Guid.NewGuid().ToString("D"), Timeout());
    }

    [Fact]
    public async Task ListConsents_AfterGrant_ReturnsEveryField()
    {
        var store = NewConsentStore();
        var organization = NewOrganization();
        var signedIn = new Consent(organization, User(), ConsentSource.SignedIn, Expiry, "owner:session");
        var assigned = new Consent(organization, User(), ConsentSource.AdminAssigned, Expiry.AddMinutes(1));

        await store.GrantAsync(signedIn, Timeout());
        await store.GrantAsync(assigned, Timeout());
        var listed = await NewConsentStore().ListAsync(organization, Timeout());

        Assert.Equal(new[] { signedIn, assigned }.OrderBy(c => c.UserId, StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task Grant_SameUserAgain_ReplacesTheConsent()
    {
        var store = NewConsentStore();
        var organization = NewOrganization();
        var user = User();
        await store.GrantAsync(new Consent(organization, user, ConsentSource.AdminAssigned, Expiry), Timeout());
        var signedIn = new Consent(organization, user, ConsentSource.SignedIn, Expiry.AddMinutes(5), "owner:session");

        await store.GrantAsync(signedIn, Timeout());

        Assert.Equal(signedIn, Assert.Single(await store.ListAsync(organization, Timeout())));
    }

    [Fact]
    public async Task Revoke_RemovesOnlyThatUsersConsent_WhateverTheCaseOfTheId()
    {
        var store = NewConsentStore();
        var organization = NewOrganization();
        var leaving = new Consent(organization, User(), ConsentSource.AdminAssigned, Expiry);
        var staying = new Consent(organization, User(), ConsentSource.AdminAssigned, Expiry);
        await store.GrantAsync(leaving, Timeout());
        await store.GrantAsync(staying, Timeout());

        await NewConsentStore().RevokeAsync(organization, leaving.UserId.ToUpperInvariant(), Timeout());

        Assert.Equal(staying, Assert.Single(await store.ListAsync(organization, Timeout())));
    }

    [Fact]
    public async Task Revoke_MissingConsent_DoesNothing()
    {
        var store = NewConsentStore();

        await store.RevokeAsync(NewOrganization(), User(), Timeout());
    }

    [Fact]
    public async Task ListConsents_NeverReturnsAnotherOrganizationsConsents()
    {
        var store = NewConsentStore();
        var a = NewOrganization();
        var b = NewOrganization();
        var user = User();
        var inA = new Consent(a, user, ConsentSource.SignedIn, Expiry, "owner:a");
        var inB = new Consent(b, user, ConsentSource.AdminAssigned, Expiry);
        await store.GrantAsync(inA, Timeout());
        await store.GrantAsync(inB, Timeout());

        await store.RevokeAsync(b, user, Timeout());

        Assert.Equal(inA, Assert.Single(await store.ListAsync(a, Timeout())));
        Assert.Empty(await store.ListAsync(b, Timeout()));
    }

    [Fact]
    public async Task Organizations_ListsThoseWithConsents_AndNotOneWhoseLastConsentWasRevoked()
    {
        var store = NewConsentStore();
        var kept = NewOrganization();
        var emptied = NewOrganization();
        var user = User();
        await store.GrantAsync(new Consent(kept, User(), ConsentSource.AdminAssigned, Expiry), Timeout());
        await store.GrantAsync(new Consent(emptied, user, ConsentSource.AdminAssigned, Expiry), Timeout());
        Assert.Contains(emptied, await NewConsentStore().OrganizationsAsync(Timeout()));

        await store.RevokeAsync(emptied, user, Timeout());
        var organizations = await NewConsentStore().OrganizationsAsync(Timeout());

        Assert.Contains(kept, organizations);
        Assert.DoesNotContain(emptied, organizations);
    }

    [Fact]
    public async Task Organizations_ListsAnOrganizationAgainAfterANewGrant()
    {
        var store = NewConsentStore();
        var organization = NewOrganization();
        var first = User();
        await store.GrantAsync(new Consent(organization, first, ConsentSource.AdminAssigned, Expiry), Timeout());
        await store.RevokeAsync(organization, first, Timeout());

        await store.GrantAsync(new Consent(organization, User(), ConsentSource.AdminAssigned, Expiry), Timeout());

        Assert.Contains(organization, await NewConsentStore().OrganizationsAsync(Timeout()));
    }

    private protected static OrganizationId NewOrganization() => new(Guid.NewGuid());

    private protected static string User() => Guid.NewGuid().ToString("D");

    private protected static GraphSubscription Presence(OrganizationId organization, params string[] users) => new(
        Guid.NewGuid().ToString("D"), organization, GraphSubscriptionKind.Presence,
        "/communications/presences?$filter=id in ('" + string.Join("','", users) + "')",
        Convert.ToBase64String(Guid.NewGuid().ToByteArray()), users[0], users, Expiry);

    private protected static GraphSubscription Users(OrganizationId organization) => new(
        Guid.NewGuid().ToString("D"), organization, GraphSubscriptionKind.Users, "/users",
        Convert.ToBase64String(Guid.NewGuid().ToByteArray()), null, [], Expiry);

    private protected static void AssertSame(GraphSubscription expected, GraphSubscription? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, actual);
    }

    private protected static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
