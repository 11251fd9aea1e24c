using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using PresenceHub.Connector.Sdk;
using PresenceHub.Connector.Sdk.Testing;
using PresenceHub.Connectors.Xmpp.Presence;
using PresenceHub.Connectors.Xmpp.Protocol;
using PresenceHub.Presence;

namespace PresenceHub.Connectors.Xmpp.Tests.Presence;

/// <summary>The component's presence logic against the SDK's fake hub over real gRPC, with the stanzas it sends recorded.</summary>
public sealed class PresenceRouterTests : IAsyncLifetime
{
    private const string Domain = "teams.example.test";
    // The fake hub resolves an address only for users with a platform id; the gateway resolves any federated user.
    private static readonly FakeUser Alice = new(Guid.NewGuid().ToString("D"), "alice@contoso.example", "alice@contoso.example", "alice");
    private static readonly FakeUser Carol = new(Guid.NewGuid().ToString("D"), "carol@contoso.example", "carol@localhost");
    private static readonly string AliceContact = @"alice\40contoso.example@" + Domain;

    private readonly RecordingSender _sender = new();
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("xmpp-router-");
    private FakePresenceHub _hub = null!;
    private ConnectorClient _client = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakePresenceHub.StartAsync();
        _hub.AddUser(Alice);
        _hub.AddUser(Carol);
        _client = new ConnectorClient(new ConnectorClientOptions
        {
            HubAddress = _hub.Address,
            AccessToken = _hub.AccessToken,
            ConnectorId = "xmpp-test",
            Platform = "xmpp",
        }, new PresenceRouterNoEvents());
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _hub.DisposeAsync();
        _state.Delete(recursive: true);
    }

    [Fact]
    public async Task Subscribe_ToAFederatedTeamsUser_IsApproved_FollowedByTheirPresence_AndRemembered()
    {
        _hub.PushPresence(Alice, PresenceState.ForCategory(PresenceCategory.InACall));
        var router = Router();

        await router.HandleStanzaAsync(Presence("carol@localhost/pc", @"Alice\40Contoso.Example@teams.example.test", "subscribe"), CancellationToken.None);

        Assert.Equal(["subscribed", "available dnd In a call"], Described("carol@localhost"));
        Assert.All(_sender.Sent, s => Assert.Equal(AliceContact, (string?)s.Attribute("from")));
        Assert.True(Store().IsSubscribed(@"alice\40contoso.example", "carol@localhost"));
    }

    [Theory]
    [InlineData(@"mallory\40contoso.example@teams.example.test")]
    [InlineData("not-a-mail@teams.example.test")]
    public async Task Subscribe_ToAnAddressTheHubDoesNotFederate_IsRefused(string contact)
    {
        await Router().HandleStanzaAsync(Presence("carol@localhost/pc", contact, "subscribe"), CancellationToken.None);

        Assert.Equal(["unsubscribed"], Described("carol@localhost"));
        Assert.Equal(0, Store().Count);
    }

    [Fact]
    public async Task Probe_FromASubscriber_IsAnsweredFromTheLastKnownPresence_ToTheProbingResource()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "subscribe"), CancellationToken.None);
        _hub.PushPresence(Alice, new PresenceState(Availability.Away, Activity.OutOfOffice, StatusMessage.Create("Back Monday"), OutOfOfficeSettings.Away));
        var restarted = Router();

        await restarted.HandleStanzaAsync(Presence("carol@localhost/phone", AliceContact, "probe"), CancellationToken.None);

        var answer = _sender.Sent.Last();
        Assert.Equal("carol@localhost/phone", (string?)answer.Attribute("to"));
        Assert.Equal("available xa Back Monday", RecordingSender.Describe(answer));
    }

    [Fact]
    public async Task Probe_ForAContactNoLongerFederated_IsAnsweredUnsubscribed_AndAProbeForAFederatedOneIsAdopted()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("dave@localhost/pc", @"gone\40contoso.example@teams.example.test", "probe"), CancellationToken.None);
        Assert.Equal(["unsubscribed"], Described("dave@localhost"));

        await router.HandleStanzaAsync(Presence("dave@localhost/pc", AliceContact, "probe"), CancellationToken.None);
        Assert.True(Store().IsSubscribed(@"alice\40contoso.example", "dave@localhost"));
        Assert.Equal("unavailable", Described("dave@localhost").Last());
    }

    [Fact]
    public async Task TeamsChanges_AreBroadcastToEverySubscriber_InVersionOrder()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "subscribe"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("dave@localhost/pc", AliceContact, "subscribe"), CancellationToken.None);
        var before = _sender.Sent.Count;

        await router.OnPresenceAsync(Event(Alice, PresenceCategory.Busy, "2"), CancellationToken.None);
        await router.OnPresenceAsync(Event(Alice, PresenceCategory.Available, "1"), CancellationToken.None);
        await router.OnPresenceAsync(Event(Alice, PresenceCategory.Offline, "3"), CancellationToken.None);
        await router.OnPresenceAsync(Event(Alice, PresenceCategory.Available, "4", source: Platform.Slack), CancellationToken.None);

        var broadcasts = _sender.Sent.Skip(before).Select(s => ((string?)s.Attribute("to"), RecordingSender.Describe(s))).ToList();
        Assert.Equal(
        [
            ("carol@localhost", "available dnd Busy"), ("dave@localhost", "available dnd Busy"),
            ("carol@localhost", "unavailable"), ("dave@localhost", "unavailable"),
        ], broadcasts);
    }

    [Fact]
    public async Task Withdrawn_TeamsUser_GoesUnavailable_AndSubscriptionsAreRevoked()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "subscribe"), CancellationToken.None);

        await router.OnWithdrawnAsync(new WithdrawnEvent("e1", "c1", _hub.Organization, new TeamsUserIdentity(Alice.TeamsUserId), null,
            DateTimeOffset.UnixEpoch, null, WithdrawalReason.OptedOut), CancellationToken.None);

        Assert.Equal(["unavailable", "unsubscribed"], Described("carol@localhost").TakeLast(2));
        Assert.Equal(0, Store().Count);
    }

    [Fact]
    public async Task Unsubscribe_RemovesTheSubscriber_AndConfirms()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "subscribe"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "unsubscribe"), CancellationToken.None);

        Assert.Equal(["unsubscribed", "unavailable"], Described("carol@localhost").TakeLast(2));
        Assert.False(Store().IsSubscribed(@"alice\40contoso.example", "carol@localhost"));
    }

    [Fact]
    public async Task DirectedPresence_OfAnXmppUser_IsPublishedOncePerChange_LinkedByTheJidAsMailHint()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, null, "dnd", "Focusing"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", @"bob\40contoso.example@teams.example.test", null, "dnd", "Focusing"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("carol@localhost/phone", AliceContact, null, "away"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("carol@localhost/phone", AliceContact, "unavailable"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "unavailable"), CancellationToken.None);

        var published = _hub.Publications;
        Assert.All(published, p => Assert.Equal("carol@localhost", p.PlatformUserId));
        Assert.All(published, p => Assert.Equal(Carol.TeamsUserId, p.TeamsUserId));
        Assert.Equal([PresenceCategory.DoNotDisturb, PresenceCategory.Away, PresenceCategory.DoNotDisturb, PresenceCategory.Offline],
            published.Select(p => p.State.Category));
        Assert.Equal("Focusing", published[0].State.StatusMessage?.Content);
    }

    [Fact]
    public async Task DirectedPresence_WithoutTheMailHint_IsUnlinkedUnlessAnAdministratorLinkedIt()
    {
        var router = Router(o => o.JidIsMailHint = false);
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, null, "dnd"), CancellationToken.None);
        _hub.LinkIdentity("erin@localhost", Alice.TeamsUserId);
        await router.HandleStanzaAsync(Presence("erin@localhost/pc", AliceContact, null, "dnd"), CancellationToken.None);

        Assert.Equal([PublicationOutcome.UnlinkedUser, PublicationOutcome.Accepted], _hub.Publications.Select(p => p.Outcome));
    }

    [Fact]
    public async Task Reconnect_ResendsEveryContactsCurrentPresence_FromTheHubAfterARestart()
    {
        var bob = new FakeUser(Guid.NewGuid().ToString("D"), "bob@contoso.example", "bob@contoso.example", "bob");
        _hub.AddUser(bob);
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", AliceContact, "subscribe"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", @"bob\40contoso.example@teams.example.test", "subscribe"), CancellationToken.None);
        _hub.PushPresence(Alice, PresenceState.ForCategory(PresenceCategory.InAMeeting));
        _hub.PushPresence(bob, PresenceState.ForCategory(PresenceCategory.Away));
        _sender.Sent.Clear();

        await Router().OnConnectedAsync(CancellationToken.None);

        Assert.Equal(
            new[] { (AliceContact, "available dnd In a meeting"), (@"bob\40contoso.example@teams.example.test", "available away") }.OrderBy(x => x.Item1),
            _sender.Sent.Select(s => ((string)s.Attribute("from")!, RecordingSender.Describe(s))).OrderBy(x => x.Item1));
    }

    [Fact]
    public async Task Iq_PingIsAnswered_AndOtherRequestsGetServiceUnavailable()
    {
        var router = Router();
        var ns = XmppNames.Component;
        await router.HandleStanzaAsync(new XElement(ns + "iq", new XAttribute("type", "get"), new XAttribute("id", "p1"),
            new XAttribute("from", "carol@localhost/pc"), new XAttribute("to", Domain), new XElement(XmppNames.Ping + "ping")), CancellationToken.None);
        await router.HandleStanzaAsync(new XElement(ns + "iq", new XAttribute("type", "get"), new XAttribute("id", "v1"),
            new XAttribute("from", "carol@localhost/pc"), new XAttribute("to", AliceContact), new XElement(XName.Get("query", "jabber:iq:version"))),
            CancellationToken.None);
        await router.HandleStanzaAsync(new XElement(ns + "iq", new XAttribute("type", "result"), new XAttribute("id", "r1")), CancellationToken.None);

        var replies = _sender.Sent.ToList();
        Assert.Equal(2, replies.Count);
        Assert.Equal(("result", "p1", Domain), ((string?)replies[0].Attribute("type"), (string?)replies[0].Attribute("id"), (string?)replies[0].Attribute("from")));
        Assert.Equal(("error", "v1"), ((string?)replies[1].Attribute("type"), (string?)replies[1].Attribute("id")));
        Assert.NotNull(replies[1].Descendants(XmppNames.StanzaErrors + "service-unavailable").SingleOrDefault());
    }

    [Fact]
    public async Task Stanzas_ForOtherDomainsOrWithoutAddresses_AreIgnored()
    {
        var router = Router();
        await router.HandleStanzaAsync(Presence("carol@localhost/pc", @"alice\40contoso.example@elsewhere.test", "subscribe"), CancellationToken.None);
        await router.HandleStanzaAsync(Presence("localhost", AliceContact, "subscribe"), CancellationToken.None);
        await router.HandleStanzaAsync(new XElement(XmppNames.Component + "presence", new XAttribute("type", "subscribe")), CancellationToken.None);
        await router.HandleStanzaAsync(new XElement(XmppNames.Component + "message", new XAttribute("from", "carol@localhost"), new XAttribute("to", AliceContact)),
            CancellationToken.None);

        Assert.Empty(_sender.Sent);
        Assert.Empty(_hub.Publications);
    }

    private PresenceRouter Router(Action<XmppConnectorOptions>? configure = null)
    {
        var options = Options();
        configure?.Invoke(options);
        return new PresenceRouter(_sender, _client, new SubscriptionStore(Microsoft.Extensions.Options.Options.Create(options)),
            Microsoft.Extensions.Options.Options.Create(options), NullLogger<PresenceRouter>.Instance);
    }

    private SubscriptionStore Store() => new(Microsoft.Extensions.Options.Options.Create(Options()));

    private XmppConnectorOptions Options() => new()
    {
        ServerHost = "127.0.0.1",
        ComponentDomain = Domain,
        ComponentSecret = "secret",
        StateDirectory = _state.FullName,
    };

    private List<string> Described(string bareJid) => _sender.To(bareJid).Select(RecordingSender.Describe).ToList();

    private PresenceEvent Event(FakeUser user, PresenceCategory category, string version, Platform? source = null)
    {
        var update = new PresenceUpdate(_hub.Organization, user.TeamsUserId, source ?? Platform.Teams, PresenceState.ForCategory(category),
            PresenceVersion.FromSequence(version), source ?? Platform.Teams, DateTimeOffset.UnixEpoch);
        return new PresenceEvent("e" + version, "c" + version, _hub.Organization, new TeamsUserIdentity(user.TeamsUserId, user.UserPrincipalName, user.Mail),
            null, DateTimeOffset.UnixEpoch, null, update, 0, false);
    }

    private static XElement Presence(string from, string to, string? type, string? show = null, string? status = null)
    {
        var ns = XmppNames.Component;
        var stanza = new XElement(ns + "presence", new XAttribute("from", from), new XAttribute("to", to));
        if (type is not null)
        {
            stanza.SetAttributeValue("type", type);
        }

        if (show is not null)
        {
            stanza.Add(new XElement(ns + "show", show));
        }

        if (status is not null)
        {
            stanza.Add(new XElement(ns + "status", status));
        }

        return stanza;
    }

    /// <summary>The client here makes unary calls only; it never streams.</summary>
    private sealed class PresenceRouterNoEvents : IConnectorHandler
    {
        public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
