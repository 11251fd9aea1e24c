using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>
/// What every <see cref="IPrivacySettingsStore"/> and <see cref="IFederationPolicyStore"/> must do, run in memory and
/// on redis-server. Each test uses fresh organizations and, on Redis, its own key prefix.
/// </summary>
public abstract class PrivacyStoreContractTests : IAsyncLifetime
{
    private protected abstract IPrivacySettingsStore Settings { get; }

    private protected abstract IFederationPolicyStore Policies { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Settings_OfUsersWithNone_AreTheDefault()
    {
        var found = await Settings.GetManyAsync(NewOrganization(), [NewUser(), NewUser()], Timeout());
        Assert.Equal([PrivacySettings.Default, PrivacySettings.Default], found);
        Assert.Empty(await Settings.GetManyAsync(NewOrganization(), [], Timeout()));
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    public async Task Settings_AfterSet_ReadBackPerUserInOrder_CaseInsensitively(bool paused, bool shareOut, bool showIn)
    {
        var organization = NewOrganization();
        var (user, other) = (NewUser(), NewUser());
        var settings = new PrivacySettings(paused, shareOut, showIn);

        await Settings.SetAsync(organization, user.ToUpperInvariant(), settings, Timeout());

        Assert.Equal([PrivacySettings.Default, settings], await Settings.GetManyAsync(organization, [other, user], Timeout()));
    }

    [Fact]
    public async Task Settings_AreKeptPerOrganization()
    {
        var (a, b) = (NewOrganization(), NewOrganization());
        var user = NewUser();

        await Settings.SetAsync(a, user, new PrivacySettings(Paused: true), Timeout());

        Assert.True((await Settings.GetManyAsync(a, [user], Timeout()))[0].Paused);
        Assert.Equal(PrivacySettings.Default, (await Settings.GetManyAsync(b, [user], Timeout()))[0]);
    }

    [Fact]
    public async Task Settings_SetToDefaultOrRemoved_AreTheDefaultAgain()
    {
        var organization = NewOrganization();
        var (user, other) = (NewUser(), NewUser());
        await Settings.SetAsync(organization, user, new PrivacySettings(ShowIn: false), Timeout());
        await Settings.SetAsync(organization, other, new PrivacySettings(Paused: true), Timeout());

        await Settings.SetAsync(organization, user, PrivacySettings.Default, Timeout());
        await Settings.RemoveAsync(organization, other, Timeout());
        await Settings.RemoveAsync(organization, NewUser(), Timeout());

        Assert.Equal([PrivacySettings.Default, PrivacySettings.Default], await Settings.GetManyAsync(organization, [user, other], Timeout()));
    }

    [Fact]
    public async Task Policy_OfAnOrganizationWithNone_AllowsEverything()
    {
        var policy = await Policies.GetAsync(NewOrganization(), Timeout());
        Assert.Null(policy.Platforms);
        Assert.Null(policy.Domains);
        Assert.True(policy.AllowsPlatform(Platform.Slack));
        Assert.True(policy.AllowsPlatformUser("U123", null));
    }

    [Fact]
    public async Task Policy_AfterSet_ReadsBack_PerOrganization_AndOpenRemovesIt()
    {
        var (a, b) = (NewOrganization(), NewOrganization());
        await Policies.SetAsync(a, new FederationPolicy(["xmpp"], []), Timeout());
        await Policies.SetAsync(b, new FederationPolicy(null, ["chat.example"]), Timeout());

        var policyA = await Policies.GetAsync(a, Timeout());
        var policyB = await Policies.GetAsync(b, Timeout());
        Assert.Equal(["xmpp"], policyA.Platforms!);
        Assert.Empty(policyA.Domains!);
        Assert.Null(policyB.Platforms);
        Assert.Equal(["chat.example"], policyB.Domains!);

        await Policies.SetAsync(a, FederationPolicy.Open, Timeout());
        Assert.Null((await Policies.GetAsync(a, Timeout())).Platforms);
        Assert.Equal(["chat.example"], (await Policies.GetAsync(b, Timeout())).Domains!);
    }

    [Theory]
    [InlineData("alice@chat.example", null, "chat.example")]
    [InlineData("alice@Chat.Example/laptop", null, "chat.example")]
    [InlineData("U12345", "bob@Contoso.com", "contoso.com")]
    [InlineData("U12345", null, null)]
    [InlineData("trailing@", "x@y.example", "y.example")]
    public void DomainOf_IsThePlatformAddressDomain_ElseTheMailHints(string platformUserId, string? mailHint, string? expected)
    {
        Assert.Equal(expected, FederationPolicy.DomainOf(platformUserId, mailHint));
        var policy = new FederationPolicy(null, ["chat.example", "contoso.com", "y.example"]);
        Assert.Equal(expected is not null, policy.AllowsPlatformUser(platformUserId, mailHint));
        Assert.False(new FederationPolicy(null, []).AllowsPlatformUser(platformUserId, mailHint));
    }

    private protected static OrganizationId NewOrganization() => new(Guid.NewGuid());

    private protected static string NewUser() => Guid.NewGuid().ToString("D");

    private protected static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;
}
