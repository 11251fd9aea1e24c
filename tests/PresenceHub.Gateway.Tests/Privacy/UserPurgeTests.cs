using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using static PresenceHub.Gateway.Tests.Relay.Presences;
using PresenceHub.Gateway.DataSubjects;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary><see cref="UserPurge"/> over the in-memory stores, composed as the gateway composes them.</summary>
public sealed class UserPurgeTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly OrganizationId _organization = NewOrganization();
    private readonly string _leaver = Guid.NewGuid().ToString("D");
    private readonly string _stayer = Guid.NewGuid().ToString("D");
    private readonly IHost _host;

    public UserPurgeTests()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // Write-back is composed as in the gateway, so Graph's options must be valid; nothing here calls Graph.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = Guid.NewGuid().ToString(),
            ["Graph:ClientSecret"] = "not-used",
            ["Graph:EncryptionCertificates:0:Id"] = "not-used",
            ["Graph:EncryptionCertificates:0:Path"] = "not-used.pem",
        });
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        builder.Services.AddSingleton<IIdentityLinkStore, InMemoryIdentityLinkStore>();
        builder.Services.AddSingleton<IMetadataLog>(sp => new InMemoryMetadataLog(Options.Create(new MetadataLogOptions()), sp.GetRequiredService<TimeProvider>()));
        builder.AddPresenceRelay();
        builder.AddGraphIngest();
        builder.AddPresenceWriteBack();
        builder.AddDataSubjectRights();
        _host = builder.Build();
    }

    private UserPurge Purge => Get<UserPurge>();

    [Fact]
    public async Task Purge_RemovesEverythingOfTheUser_KeepsOthers_AndWithdrawsThemOnce()
    {
        await using var feed = await Get<IPresenceRelay>().OpenFeedAsync(new ConnectorFeedId(_organization, "xmpp"), "c1", CancellationToken.None);
        await SeedAsync(_leaver);
        await SeedAsync(_stayer);
        var subscriptions = Get<IGraphSubscriptionStore>();
        // Owned by an assigned user without a session: deleted from the records only (it lapses in Graph).
        await subscriptions.SaveAsync(Subscription("both", _stayer, _leaver, _stayer), CancellationToken.None);
        await subscriptions.SaveAsync(Subscription("stayer-only", _stayer, _stayer), CancellationToken.None);
        await AcknowledgeEverythingAsync(feed);

        var summary = await Purge.PurgeAsync(_organization, _leaver.ToUpperInvariant(), WithdrawalReason.EntitlementRevoked, CancellationToken.None);

        // The presence event was acknowledged and goes now; the withdrawn event waits for the connector.
        Assert.Equal(new PurgeSummary(1, 1, 0, 1, 1, 1, 2, 1, 0, false), summary);
        Assert.Equal([_stayer], (await Get<IConsentStore>().ListAsync(_organization, CancellationToken.None)).Select(c => c.UserId));
        Assert.Equal(["stayer-only"], (await subscriptions.ListAsync(_organization, CancellationToken.None)).Select(s => s.Id));
        var directory = Get<IUserDirectory>();
        Assert.Equal([false, true], (await directory.GetManyAsync(_organization, [_leaver, _stayer], CancellationToken.None)).Select(p => p is not null));
        Assert.Empty(await directory.FindByAddressAsync(_organization, Mail(_leaver), CancellationToken.None));
        var links = Get<IIdentityLinkStore>();
        Assert.Null(await links.FindTeamsUserAsync(_organization, Platform.Xmpp, $"{_leaver}@chat.example", CancellationToken.None));
        Assert.Null(await links.FindTeamsUserAsync(_organization, Platform.Slack, $"U{_leaver}", CancellationToken.None));
        Assert.Equal(_stayer, await links.FindTeamsUserAsync(_organization, Platform.Xmpp, $"{_stayer}@chat.example", CancellationToken.None));
        var writeBack = await Get<IWriteBackStore>().GetAsync([new WriteBackKey(_organization, _leaver), new WriteBackKey(_organization, _stayer)], CancellationToken.None);
        Assert.Equal([false, true], writeBack.Select(e => e is not null));
        var relay = Get<IPresenceRelay>();
        var lastKnown = await relay.GetLastKnownAsync(_organization, [new PresenceSubject(Platform.Teams, _leaver), new PresenceSubject(Platform.Teams, _stayer)], CancellationToken.None);
        Assert.Equal([false, true], lastKnown.Select(u => u is not null));

        var withdrawn = Assert.Single(await feed.ReadAsync(100, CancellationToken.None));
        Assert.Equal(new UserWithdrawal(_leaver, WithdrawalReason.EntitlementRevoked), withdrawn.Withdrawal);
        // The withdrawn event itself is forgotten once the connector acknowledged it.
        Assert.Equal(1, Purge.PendingCount);
        await Purge.CompletePendingAsync(CancellationToken.None);
        Assert.Equal(1, Purge.PendingCount);
        await feed.AcknowledgeAsync([withdrawn.Id], CancellationToken.None);
        await Purge.CompletePendingAsync(CancellationToken.None);
        Assert.Equal(0, Purge.PendingCount);
        Assert.Equal((0, 0), Counts(await relay.ForgetAsync(_organization, _leaver, through: null, CancellationToken.None)));
    }

    [Fact]
    public async Task Purge_OfAUserWithASessionInTeams_LeavesItsClearPendingForTheWorker_AndTakesNoMorePresence()
    {
        var store = Get<IWriteBackStore>();
        var key = new WriteBackKey(_organization, _leaver);
        var options = new WriteBackOptions();
        var accepted = new WriteBackEntry().Accept(Update(_organization, _leaver, 3, Platform.Xmpp), Now)!;
        var written = accepted.Written(accepted.WorkAt(Now, options)!, Now, options);
        Assert.True(await store.TryReplaceAsync(key, 0, written, written.DueAt(Now, options), CancellationToken.None));

        var summary = await Purge.PurgeAsync(_organization, _leaver, WithdrawalReason.OptedOut, CancellationToken.None);

        // Nothing called Graph yet (the worker is not running here): the clear waits in the store, due now.
        Assert.Equal(1, summary.WriteBackSessions);
        var leaving = (await store.GetAsync([key], CancellationToken.None))[0]!;
        Assert.True(leaving.IsLeaving);
        Assert.Empty(leaving.Sources);
        Assert.Equal(new WriteBackWork(null, null, IsRefresh: false), leaving.WorkAt(Now, options));
        Assert.Contains(key, await store.DueAsync(Now, 100, CancellationToken.None));
        await Get<IPresenceWriteBack>().SubmitAsync([Update(_organization, _leaver, 4, Platform.Xmpp)], CancellationToken.None);
        Assert.Equal(leaving, (await store.GetAsync([key], CancellationToken.None))[0]);
        // Purging again (a removal run twice) keeps the one pending clear.
        Assert.Equal(1, (await Purge.PurgeAsync(_organization, _leaver, WithdrawalReason.OptedOut, CancellationToken.None)).WriteBackSessions);
        Assert.Equal(leaving, (await store.GetAsync([key], CancellationToken.None))[0]);
    }

    [Fact]
    public async Task Purge_OfAUserNeverHeld_TellsConnectorsNothing()
    {
        await using var feed = await Get<IPresenceRelay>().OpenFeedAsync(new ConnectorFeedId(_organization, "xmpp"), "c1", CancellationToken.None);

        var summary = await Purge.PurgeAsync(_organization, _leaver, WithdrawalReason.OptedOut, CancellationToken.None);
        await Get<IPresenceRelay>().PublishAsync([Update(_organization, _stayer, 1)], CancellationToken.None);

        Assert.Equal(new PurgeSummary(0, 0, 0, 0, 0, 0, 0, 0, 0, false), summary);
        // The marker published after the purge is the first event: no withdrawal named the user.
        Assert.Equal(_stayer, (await feed.ReadAsync(100, CancellationToken.None))[0].Presence?.UserId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Erase_DeletesTheUsersMetadataEntries_UnlessTheOrganizationHoldsThem(bool held)
    {
        await SeedAsync(_leaver);
        var log = Get<IMetadataLog>();
        await log.AppendAsync(_organization, [
            new MetadataLogEntry(Now, MetadataLogEntry.UserAddress("teams", _leaver), MetadataLogEntry.ConnectorAddress("xmpp"), MessageType.Presence, "s1"),
            new MetadataLogEntry(Now, MetadataLogEntry.UserAddress("teams", _stayer), MetadataLogEntry.ConnectorAddress("xmpp"), MessageType.Presence, "s1"),
        ], CancellationToken.None);
        await Get<IRetentionHoldStore>().SetAsync(_organization, held, CancellationToken.None);

        var summary = await Purge.EraseAsync(_organization, _leaver, WithdrawalReason.OptedOut, CancellationToken.None);

        Assert.Equal((held ? 0 : 1, held), (summary.MetadataEntries, summary.RetentionHold));
        Assert.Equal(1, summary.Consents);
        var remaining = await log.QueryAsync(_organization, null, Now.AddDays(-1), Now.AddDays(1), 100, CancellationToken.None);
        Assert.Equal(held ? 2 : 1, remaining.Count);
        Assert.Contains(remaining, e => e.Concerns(_stayer));
    }

    [Fact]
    public async Task RetentionHold_IsPerOrganization_AndLifts()
    {
        var holds = Get<IRetentionHoldStore>();
        var other = NewOrganization();

        await holds.SetAsync(_organization, true, CancellationToken.None);
        Assert.True(await holds.IsHeldAsync(_organization, CancellationToken.None));
        Assert.False(await holds.IsHeldAsync(other, CancellationToken.None));
        await holds.SetAsync(_organization, false, CancellationToken.None);
        Assert.False(await holds.IsHeldAsync(_organization, CancellationToken.None));
    }

    public void Dispose() => _host.Dispose();

    private T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>A consenting user with a profile, identity links, a write-back session and last-known presence.</summary>
    private async Task SeedAsync(string user)
    {
        await Get<IConsentStore>().GrantAsync(new Consent(_organization, user, ConsentSource.AdminAssigned, Now), CancellationToken.None);
        await Get<IUserDirectory>().PutAsync(_organization, new UserProfileRecord(user, "Name", Mail(user), Mail(user), null, true), CancellationToken.None);
        var links = Get<IIdentityLinkStore>();
        await links.LinkAsync(_organization, Platform.Xmpp, $"{user}@chat.example", user, CancellationToken.None);
        if (user == _leaver)
        {
            await links.LinkAsync(_organization, Platform.Slack, $"U{user}", user, CancellationToken.None);
        }

        var entry = new WriteBackEntry().Accept(Update(_organization, user, 3, Platform.Xmpp), Now)!;
        Assert.True(await Get<IWriteBackStore>().TryReplaceAsync(new WriteBackKey(_organization, user), 0, entry, Now, CancellationToken.None));
        await Get<IPresenceRelay>().PublishAsync([Update(_organization, user, 2)], CancellationToken.None);
    }

    private static async Task AcknowledgeEverythingAsync(IRelayFeed feed)
    {
        var events = await feed.ReadAsync(1000, CancellationToken.None);
        await feed.AcknowledgeAsync(events.Select(e => e.Id).ToList(), CancellationToken.None);
    }

    private GraphSubscription Subscription(string id, string owner, params string[] users) =>
        new(id, _organization, GraphSubscriptionKind.Presence, "/communications/presences", "state", owner, users, Now.AddHours(1));

    private static string Mail(string user) => $"{user[..8]}@contoso.com";

    private static (int Deleted, int Remaining) Counts(RelayErasure erasure) => (erasure.Deleted, erasure.Remaining);
}
