using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Profiles;

/// <summary>
/// What every <see cref="IUserDirectory"/> must do, run against memory, redis-server and a Redis Cluster. Each test
/// uses fresh organizations and, on Redis, its own key prefix.
/// </summary>
public abstract class UserDirectoryContractTests : IAsyncLifetime
{
    private protected abstract IUserDirectory Directory { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Get_AfterPut_ReturnsEveryField()
    {
        var organization = NewOrganization();
        var profile = Profile("Ada Lovelace", "ada@contoso.com", "ada@contoso.onmicrosoft.com") with { JobTitle = "Analyst", AccountEnabled = false };

        await Directory.PutAsync(organization, profile, Timeout());
        var found = await Directory.GetManyAsync(organization, [profile.UserId], Timeout());

        Assert.Equal(profile, Assert.Single(found));
    }

    [Fact]
    public async Task Get_ProfileWithoutOptionalFields_KeepsThemNull()
    {
        var organization = NewOrganization();
        var profile = new UserProfileRecord(NewUser(), null, null, "grace@contoso.com", null, true);

        await Directory.PutAsync(organization, profile, Timeout());

        Assert.Equal(profile, Assert.Single(await Directory.GetManyAsync(organization, [profile.UserId], Timeout())));
    }

    [Fact]
    public async Task GetMany_WithMissingIds_ReturnsNullForThemInOrder()
    {
        var organization = NewOrganization();
        var a = Profile("A", "a@contoso.com", "a@contoso.com");
        var b = Profile("B", "b@contoso.com", "b@contoso.com");
        await Directory.PutAsync(organization, a, Timeout());
        await Directory.PutAsync(organization, b, Timeout());

        var found = await Directory.GetManyAsync(organization, [NewUser(), b.UserId, NewUser(), a.UserId], Timeout());

        Assert.Equal([null, b, null, a], found);
        Assert.Empty(await Directory.GetManyAsync(organization, [], Timeout()));
    }

    [Fact]
    public async Task GetMany_IdInUpperCase_FindsTheProfile()
    {
        var organization = NewOrganization();
        var profile = Profile("A", "a@contoso.com", "a@contoso.com");
        await Directory.PutAsync(organization, profile, Timeout());

        Assert.Equal(profile, Assert.Single(await Directory.GetManyAsync(organization, [profile.UserId.ToUpperInvariant()], Timeout())));
    }

    [Fact]
    public async Task FindByAddress_MailOrUpnInAnyCase_FindsTheUser()
    {
        var organization = NewOrganization();
        var profile = Profile("Ada", "Ada.Lovelace@Contoso.com", "ADA@contoso.onmicrosoft.com");
        await Directory.PutAsync(organization, profile, Timeout());

        var byMail = await Directory.FindByAddressAsync(organization, "ada.lovelace@contoso.COM", Timeout());
        var byUpn = await Directory.FindByAddressAsync(organization, "ada@CONTOSO.onmicrosoft.com", Timeout());
        var unknown = await Directory.FindByAddressAsync(organization, "bob@contoso.com", Timeout());

        Assert.Equal(profile, Assert.Single(byMail));
        Assert.Equal(profile, Assert.Single(byUpn));
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task FindByAddress_SameAddressOnTwoUsers_ReturnsBoth()
    {
        var organization = NewOrganization();
        var first = Profile("Shared mailbox owner", "team@contoso.com", "one@contoso.com");
        var second = Profile("Other", "two@contoso.com", "TEAM@contoso.com");
        await Directory.PutAsync(organization, first, Timeout());
        await Directory.PutAsync(organization, second, Timeout());

        var found = await Directory.FindByAddressAsync(organization, "team@contoso.com", Timeout());

        Assert.Equal(new[] { first, second }.OrderBy(p => p.UserId, StringComparer.Ordinal), found.OrderBy(p => p.UserId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Put_AddressChanged_RemovesTheOldIndexEntry()
    {
        var organization = NewOrganization();
        var before = Profile("Ada", "ada@contoso.com", "ada@contoso.onmicrosoft.com");
        await Directory.PutAsync(organization, before, Timeout());
        var after = before with { Mail = "ada.king@contoso.com", DisplayName = "Ada King" };

        await Directory.PutAsync(organization, after, Timeout());

        Assert.Empty(await Directory.FindByAddressAsync(organization, "ada@contoso.com", Timeout()));
        Assert.Equal(after, Assert.Single(await Directory.FindByAddressAsync(organization, "ada.king@contoso.com", Timeout())));
        Assert.Equal(after, Assert.Single(await Directory.FindByAddressAsync(organization, "ada@contoso.onmicrosoft.com", Timeout())));
    }

    [Fact]
    public async Task Put_MailRemoved_IsNoLongerFoundByIt()
    {
        var organization = NewOrganization();
        var before = Profile("Ada", "ada@contoso.com", "ada@contoso.onmicrosoft.com");
        await Directory.PutAsync(organization, before, Timeout());

        await Directory.PutAsync(organization, before with { Mail = null }, Timeout());

        Assert.Empty(await Directory.FindByAddressAsync(organization, "ada@contoso.com", Timeout()));
        Assert.Null((await Directory.GetManyAsync(organization, [before.UserId], Timeout()))[0]!.Mail);
    }

    [Fact]
    public async Task Remove_DeletesTheProfileAndItsAddresses_AndKeepsOthers()
    {
        var organization = NewOrganization();
        var gone = Profile("Gone", "shared@contoso.com", "gone@contoso.com");
        var stays = Profile("Stays", "shared@contoso.com", "stays@contoso.com");
        await Directory.PutAsync(organization, gone, Timeout());
        await Directory.PutAsync(organization, stays, Timeout());

        await Directory.RemoveAsync(organization, gone.UserId, Timeout());
        await Directory.RemoveAsync(organization, NewUser(), Timeout());

        Assert.Equal([null, stays], await Directory.GetManyAsync(organization, [gone.UserId, stays.UserId], Timeout()));
        Assert.Empty(await Directory.FindByAddressAsync(organization, "gone@contoso.com", Timeout()));
        Assert.Equal(stays, Assert.Single(await Directory.FindByAddressAsync(organization, "shared@contoso.com", Timeout())));
    }

    [Fact]
    public async Task Organizations_SameUserIdAndAddress_NeverLeakIntoEachOther()
    {
        var contoso = NewOrganization();
        var fabrikam = NewOrganization();
        var userId = NewUser();
        var inContoso = new UserProfileRecord(userId, "Contoso Ada", "ada@example.com", "ada@example.com", null, true);
        var inFabrikam = new UserProfileRecord(userId, "Fabrikam Ada", "ada@example.com", "ada@example.com", "Lead", true);
        await Directory.PutAsync(contoso, inContoso, Timeout());
        await Directory.PutAsync(fabrikam, inFabrikam, Timeout());

        Assert.Equal(inContoso, Assert.Single(await Directory.GetManyAsync(contoso, [userId], Timeout())));
        Assert.Equal(inFabrikam, Assert.Single(await Directory.FindByAddressAsync(fabrikam, "ada@example.com", Timeout())));

        await Directory.RemoveAsync(contoso, userId, Timeout());

        Assert.Null((await Directory.GetManyAsync(contoso, [userId], Timeout()))[0]);
        Assert.Empty(await Directory.FindByAddressAsync(contoso, "ada@example.com", Timeout()));
        Assert.Equal(inFabrikam, Assert.Single(await Directory.GetManyAsync(fabrikam, [userId], Timeout())));
        Assert.Equal(inFabrikam, Assert.Single(await Directory.FindByAddressAsync(fabrikam, "ada@example.com", Timeout())));
        Assert.Empty(await Directory.FindByAddressAsync(NewOrganization(), "ada@example.com", Timeout()));
    }

    protected static OrganizationId NewOrganization() => new(Guid.NewGuid());

    protected static string NewUser() => Guid.NewGuid().ToString("D");

    private protected static UserProfileRecord Profile(string displayName, string? mail, string upn) =>
        new(NewUser(), displayName, mail, upn, null, true);

    protected static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
