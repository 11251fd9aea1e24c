using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.GraphSimulator;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Browser;

/// <summary>
/// The Teams personal tab in headless Chromium against a running gateway (Graph simulator, real redis-server, an XMPP
/// connector over real gRPC), with only TeamsJS stubbed (<see cref="TeamsJsStub"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PersonalTabBrowserTests(ChromiumFixture chromium, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task PersonalTab_SignsInThroughTeamsJs_AndShowsAnXmppColleaguesLivePresence()
    {
        // First: fails at once, before the gateway starts, when Chromium is missing.
        chromium.Reset();
        await using var world = await ConnectorApiTests.StartAsync(users: 3, redis: redis.Server.Configuration,
            settings: new Dictionary<string, string?> { ["Relay:KeyPrefix"] = "personal-tab" });
        var (me, colleague) = (world.UserIds[0], world.UserIds[1]);
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", colleague);
        var key = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");
        await using var xmpp = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", new RecordingHandler());
        await xmpp.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => xmpp.Status == ConnectionStatus.Connected, because: "the XMPP connector did not connect");
        Assert.Equal(PublicationOutcome.Accepted,
            (await xmpp.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.DoNotDisturb, Activity.Presenting))).Outcome);

        var driver = chromium.Driver;
        using var stub = new TeamsJsStub(driver, world.Control.MintTeamsSsoToken(world.Organization.ToString(), me, world.ClientId));
        driver.Navigate().GoToUrl(new Uri(world.GatewayAddress, "tab"));

        chromium.Until(d => d.FindElement(By.Id("status")).Text == "Signed in with Teams.", "the tab did not sign in through TeamsJS");
        var calls = Assert.IsType<Dictionary<string, object>>(driver.ExecuteScript("return window.__teamsStubCalls;"));
        Assert.Equal(1L, calls["initialize"]);
        Assert.Equal(1L, calls["getAuthToken"]);
        chromium.Until(d => Contact(d, colleague, "xmpp")?.Text.Contains("DoNotDisturb", StringComparison.Ordinal) == true,
            "the XMPP colleague's presence did not show");
        Assert.Contains("Simulated User 000002", Contact(driver, colleague, "xmpp")!.Text, StringComparison.Ordinal);
        // Only colleagues: the user is not their own contact, and Teams presence is not listed as another platform.
        // Read in one script: the table is rebuilt at every poll.
        var listed = Assert.IsAssignableFrom<IReadOnlyCollection<object>>(
            driver.ExecuteScript("return Array.from(document.querySelectorAll('#contacts tbody tr')).map(r => r.dataset.userId || '');"));
        Assert.Contains(colleague, listed);
        Assert.DoesNotContain(me, listed);

        // Live: the colleague goes away on XMPP and the open tab shows it at its next poll. The world's clock is frozen,
        // and a publication without a version is ordered by the time the gateway receives it.
        world.Control.AdvanceClock(TimeSpan.FromSeconds(1));
        Assert.Equal(PublicationOutcome.Accepted, (await xmpp.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.Away, Activity.Away))).Outcome);
        chromium.Until(d => Contact(d, colleague, "xmpp")?.Text.Contains("Away", StringComparison.Ordinal) == true,
            "the colleague's change did not reach the open tab");
        chromium.Screenshot("personal-tab");
    }

    [Fact]
    public async Task PersonalTab_PauseDirectionAndExport_ChangeWhatTheGatewayDoes()
    {
        // First: fails at once, before the gateway starts, when Chromium is missing.
        chromium.Reset();
        await using var world = await ConnectorApiTests.StartAsync(users: 3, redis: redis.Server.Configuration,
            settings: new Dictionary<string, string?> { ["Relay:KeyPrefix"] = "personal-tab-controls" });
        var (me, colleague, other) = (world.UserIds[0], world.UserIds[1], world.UserIds[2]);
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", colleague);
        var key = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");
        var handler = new RecordingHandler();
        await using var xmpp = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", handler);
        await xmpp.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => xmpp.Status == ConnectionStatus.Connected, because: "the XMPP connector did not connect");
        Assert.Equal(PublicationOutcome.Accepted,
            (await xmpp.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.DoNotDisturb, Activity.Presenting))).Outcome);

        var driver = chromium.Driver;
        using var stub = new TeamsJsStub(driver, world.Control.MintTeamsSsoToken(world.Organization.ToString(), me, world.ClientId));
        driver.Navigate().GoToUrl(new Uri(world.GatewayAddress, "tab"));

        // What is shared, and with whom: the connected XMPP connector's platform.
        chromium.Until(d => d.FindElement(By.Id("consent")).Text.StartsWith("You take part in federation (SignedIn", StringComparison.Ordinal),
            "the tab did not show the user's consent");
        chromium.Until(d => d.FindElement(By.Id("shared")).Text.Contains("with xmpp", StringComparison.Ordinal), "the tab did not show what is shared with whom");
        chromium.Until(d => Contact(d, colleague, "xmpp") is not null, "the XMPP colleague did not show");

        // Pause: nothing of the user goes out any more.
        driver.FindElement(By.Id("paused")).Click();
        driver.FindElement(By.Id("save")).Click();
        chromium.Until(d => d.FindElement(By.Id("result")).Text == "Saved.", "pausing was not saved");
        Assert.True((await PrivacyAsync(world, me)).GetProperty("paused").GetBoolean());
        world.Control.SetUserPresence(me, "Busy", "InACall");
        world.Control.SetUserPresence(other, "Away", "Away");
        await Eventually.UntilAsync(() => handler.Latest(other)?.State.Availability == Availability.Away, because: "the other user's change did not reach the connector");
        Assert.NotEqual(Activity.InACall, handler.Latest(me)?.State.Activity);
        Assert.NotEqual(Activity.InACall, (await world.LastKnownAsync(me))?.State.Activity);

        // Resume sharing out but stop showing other platforms: the user's presence flows again, colleagues disappear.
        driver.FindElement(By.Id("paused")).Click();
        driver.FindElement(By.Id("show-in")).Click();
        driver.FindElement(By.Id("save")).Click();
        chromium.Until(d => d.FindElement(By.Id("shown")).Text == "Presence from other platforms is not shown to you.", "the direction did not change");
        var settings = await PrivacyAsync(world, me);
        Assert.False(settings.GetProperty("paused").GetBoolean());
        Assert.True(settings.GetProperty("shareOut").GetBoolean());
        Assert.False(settings.GetProperty("showIn").GetBoolean());
        chromium.Until(d => Contact(d, colleague, "xmpp") is null, "colleagues still showed with show-in off");
        world.Control.AdvanceClock(TimeSpan.FromSeconds(1));
        world.Control.SetUserPresence(me, "DoNotDisturb", "Presenting");
        await Eventually.UntilAsync(() => handler.Latest(me)?.State.Activity == Activity.Presenting, because: "the user's presence did not go out again after resuming");

        // Export downloads everything held about the user as JSON.
        driver.FindElement(By.Id("export")).Click();
        chromium.Until(d => d.FindElement(By.Id("result")).Text.StartsWith("Exported ", StringComparison.Ordinal), "the export did not download");
        chromium.Screenshot("personal-tab-controls");

        // Erase, after the browser's confirmation: the user leaves federation and the gateway holds nothing of them.
        driver.FindElement(By.Id("erase")).Click();
        driver.SwitchTo().Alert().Accept();
        chromium.Until(d => d.FindElement(By.Id("result")).Text.StartsWith("Erased.", StringComparison.Ordinal), "the erasure was not accepted");
        chromium.Until(d => d.FindElement(By.Id("consent")).Text == "You do not take part in federation." && d.FindElement(By.Id("join")).Displayed,
            "the tab did not show the user as gone");
        using var privacy = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/users/{me}/privacy");
        privacy.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        using var afterErasure = await world.GatewayHttp.SendAsync(privacy);
        Assert.Equal(HttpStatusCode.NotFound, afterErasure.StatusCode);
        await Eventually.UntilAsync(async () => await world.LastKnownAsync(me) is null, because: "the erased user's presence was still held");
    }

    [Fact]
    public async Task Contacts_AreOnlyOfTheCallersOrganization_AndOnlyForMembers()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", world.UserIds[1]);
        var key = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");
        await using var xmpp = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", new RecordingHandler());
        Assert.Equal(PublicationOutcome.Accepted,
            (await xmpp.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.Busy, Activity.InACall))).Outcome);
        // Organization B installed the same app, and its user joined federation.
        var tenantB = world.AddPartnerTenant("fabrikam.onmicrosoft.com");
        world.Control.AddApp(tenantB, new SimulatedApp { ClientId = world.ClientId, ClientSecret = GraphIngestWorld.Secret });
        var userOfB = world.Control.CreateUsers(tenantB, 1, "fabrikam")[0];
        var tokenOfB = world.Control.MintTeamsSsoToken(tenantB, userOfB, world.ClientId);
        using var join = await SendAsync(world, HttpMethod.Post, "api/consent", tokenOfB);
        Assert.True(join.IsSuccessStatusCode, $"B's user could not join: {(int)join.StatusCode}");
        var outsider = world.Control.CreateUsers(world.Organization.ToString(), 1, "outsider")[0];

        using var ofA = await SendAsync(world, HttpMethod.Get, "api/me/contacts", world.Control.MintTeamsSsoToken(world.Organization.ToString(), world.UserIds[0], world.ClientId));
        using var ofB = await SendAsync(world, HttpMethod.Get, "api/me/contacts", tokenOfB);
        using var ofOutsider = await SendAsync(world, HttpMethod.Get, "api/me/contacts", world.Control.MintTeamsSsoToken(world.Organization.ToString(), outsider, world.ClientId));

        var contactsOfA = (await ofA.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contacts").EnumerateArray().ToList();
        Assert.Contains(contactsOfA, c => c.GetProperty("userId").GetString() == world.UserIds[1] && c.GetProperty("availability").GetString() == "Busy");
        Assert.Empty((await ofB.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contacts").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, ofOutsider.StatusCode);
    }

    private static IWebElement? Contact(ISearchContext page, string userId, string platform) =>
        page.FindElements(By.CssSelector($"#contacts tbody tr[data-user-id='{userId}'][data-platform='{platform}']")).FirstOrDefault();

    private static async Task<JsonElement> PrivacyAsync(GraphIngestWorld world, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/users/{userId}/privacy");
        request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        using var response = await world.GatewayHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<HttpResponseMessage> SendAsync(GraphIngestWorld world, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await world.GatewayHttp.SendAsync(request);
    }
}
