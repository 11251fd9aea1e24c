using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Browser;

/// <summary>
/// The admin console in headless Chromium against a running gateway (Graph simulator, real redis-server, a connector
/// over real gRPC): it shows the live state, and a screenshot is kept as a CI artifact.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminConsoleBrowserTests(ChromiumFixture chromium, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AdminConsole_ShowsCountsConnectorStateAndRecentMetadata_OfTheRunningGateway()
    {
        // First: fails at once, before the gateway starts, when Chromium is missing.
        chromium.Reset();
        await using var world = await ConnectorApiTests.StartAsync(users: 3, redis: redis.Server.Configuration, settings: new Dictionary<string, string?>
        {
            ["AdminConsole:LocalSignIn"] = "true",
            ["Relay:KeyPrefix"] = "admin-console",
        });
        var users = world.UserIds;
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", users[1]);
        var key = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");
        await using var connector = ConnectorApiTests.Connect(world, key, "xmpp-1", "xmpp", new RecordingHandler());
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");
        connector.ReportState(ConnectorState.Degraded, "roster sync is slow");
        var published = await connector.PublishPresenceAsync("dana@chat.example", new PresenceState(Availability.DoNotDisturb, Activity.Presenting));
        Assert.Equal(PublicationOutcome.Accepted, published.Outcome);
        var subscriptions = await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None);
        Assert.NotEmpty(subscriptions);

        var driver = chromium.Driver;
        driver.Navigate().GoToUrl(new Uri(world.AdminAddress, "admin"));

        // The demo's local sign-in happens by itself on the loopback address; then the overview arrives.
        chromium.Until(d => d.FindElement(By.Id("consent-count")).Text == "3", "the console did not show the 3 consented users");
        Assert.Equal(subscriptions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), driver.FindElement(By.Id("subscription-count")).Text);
        chromium.Until(d => subscriptions.All(s => Row(d, "subscriptions", s.Id) is not null), "a subscription did not show");
        Assert.Contains("Operator", driver.FindElement(By.Id("who")).Text, StringComparison.Ordinal);
        chromium.Until(d => Row(d, "connectors", "xmpp-1") is { } row && row.Text.Contains("Degraded", StringComparison.Ordinal),
            "the connector's reported state did not show");
        // The publication's entry: from the XMPP user to the gateway, in the connector credential's session.
        chromium.Until(d => d.FindElements(By.CssSelector("#metadata-log tbody tr")).Any(r =>
                r.Text.Contains($"xmpp:{users[1]} presencehub Presence key:", StringComparison.Ordinal)),
            "the publication's metadata entry did not show");
        chromium.Until(d => users.All(u => Row(d, "consents", u) is not null), "a consented user did not show");

        // Against the simulator every setup check passes: token, consent, certificate, webhook.
        // (The page re-renders at every poll, so everything read from it is read inside a retried condition.)
        chromium.Until(d => d.FindElements(By.CssSelector("#checklist li")).Select(c => $"{c.GetAttribute("data-check")}={c.GetAttribute("class")}").SequenceEqual(
            ["app-registration=ok", "admin-consent=ok", "certificate=ok", "webhook=ok"]), "the setup checklist did not pass");
        // The second refresh has a rate; the totals count what went into the relay, the publication among it.
        chromium.Until(d => d.FindElement(By.Id("in-rate")).Text != "–", "the throughput did not show");
        Assert.Contains("in,", driver.FindElement(By.Id("throughput-note")).Text, StringComparison.Ordinal);

        // Data-subject actions on a user: export downloads their data, pause restricts them in the gateway.
        Click(users[2], "export");
        chromium.Until(d => d.FindElement(By.Id("action-result")).Text.StartsWith($"Export of {users[2]}: ", StringComparison.Ordinal)
            && d.FindElement(By.Id("action-result")).Text.EndsWith("bytes downloaded", StringComparison.Ordinal), "the export did not download");
        Click(users[2], "pause");
        chromium.Until(d => d.FindElement(By.Id("action-result")).Text == $"Pause of {users[2]}: 200 OK", "the pause was not applied");
        Assert.True((await PrivacyAsync(world, users[2])).GetProperty("paused").GetBoolean());
        chromium.Until(d => Row(d, "consents", users[2]) is { } row && row.Text.Contains("paused", StringComparison.Ordinal)
            && row.FindElements(By.CssSelector("button[data-action='resume']")).Count == 1, "the console did not show the user as paused");

        var screenshot = chromium.Screenshot("admin-console");

        // Erase, after the browser's confirmation: the user is gone from the gateway and from the console.
        Click(users[2], "erase");
        driver.SwitchTo().Alert().Accept();
        chromium.Until(d => d.FindElement(By.Id("action-result")).Text == $"Erasure of {users[2]}: 202 OK", "the erasure was not accepted");
        chromium.Until(d => d.FindElement(By.Id("consent-count")).Text == "2" && Row(d, "consents", users[2]) is null, "the erased user still showed");
        Assert.DoesNotContain(await world.Gateway.Services.GetRequiredService<PresenceHub.Gateway.Privacy.IConsentStore>().ListAsync(world.Organization, CancellationToken.None),
            c => c.UserId == users[2]);
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot {screenshot} is implausibly small");
    }

    [Fact]
    public async Task AdminConsole_IssuesAConnectorKeyShownOnce_ListsItWithoutTheKey_AndRevokesIt()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 1, redis: redis.Server.Configuration, settings: new Dictionary<string, string?>
        {
            ["AdminConsole:LocalSignIn"] = "true",
            ["Relay:KeyPrefix"] = "admin-console-keys",
        });
        await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp");

        chromium.Reset();
        var driver = chromium.Driver;
        driver.Navigate().GoToUrl(new Uri(world.AdminAddress, "admin"));
        chromium.Until(d => Row(d, "connector-keys", "xmpp-bridge") is { } row && row.Text.Contains("xmpp", StringComparison.Ordinal),
            "the key issued through the API was not listed");

        // Issue: the key appears once, with the warning that it will not be shown again.
        driver.FindElement(By.Id("key-name")).SendKeys("slack-bridge");
        driver.FindElement(By.Id("key-platform")).SendKeys("slack");
        driver.FindElement(By.CssSelector("#issue-key-form button[type='submit']")).Click();
        chromium.Until(d => d.FindElement(By.Id("issued-key")).Displayed && d.FindElement(By.Id("issued-key-value")).Text.StartsWith("phk_", StringComparison.Ordinal),
            "the issued key was not shown");
        var key = driver.FindElement(By.Id("issued-key-value")).Text;
        var keyId = key.Split('_')[1];
        Assert.Contains("will not be shown again", driver.FindElement(By.Id("issued-key")).Text, StringComparison.Ordinal);
        chromium.Until(d => Row(d, "connector-keys", keyId) is { } row && row.Text.Contains("slack-bridge", StringComparison.Ordinal)
            && row.Text.Contains("slack", StringComparison.Ordinal) && !row.Text.Contains(key, StringComparison.Ordinal), "the new key was not listed");

        // Copy: to the clipboard where the browser allows it, else the key is selected for Ctrl+C.
        var script = (IJavaScriptExecutor)driver;
        driver.FindElement(By.Id("copy-key")).Click();
        chromium.Until(d => d.FindElement(By.Id("copy-result")).Text.Length > 0, "the copy button did nothing");
        if (!driver.FindElement(By.Id("copy-result")).Text.StartsWith("Copied", StringComparison.Ordinal))
        {
            Assert.Equal(key, script.ExecuteScript("return window.getSelection().toString();") as string);
        }

        // Where the clipboard is refused (e.g. an http origin other than loopback), the key ends up selected.
        script.ExecuteScript("navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));"
            + "window.getSelection().removeAllRanges();");
        driver.FindElement(By.Id("copy-key")).Click();
        chromium.Until(d => d.FindElement(By.Id("copy-result")).Text.StartsWith("The key is selected", StringComparison.Ordinal), "the copy fallback did not say so");
        Assert.Equal(key, script.ExecuteScript("return window.getSelection().toString();") as string);

        var screenshot = chromium.Screenshot("admin-console-connector-keys");
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot {screenshot} is implausibly small");

        // The key the page showed is the real one: a connector dials in with it.
        await using (var connector = ConnectorApiTests.Connect(world, key, "slack-1", "slack", new RecordingHandler()))
        {
            await connector.StartAsync(CancellationToken.None);
            await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the key from the console did not connect");
        }

        // Shown once: gone from the page when dismissed, and not there after a reload; the list never carries it.
        driver.FindElement(By.Id("dismiss-key")).Click();
        chromium.Until(d => !d.FindElement(By.Id("issued-key")).Displayed, "the key stayed on the page after Done");
        Assert.DoesNotContain(key, driver.PageSource, StringComparison.Ordinal);
        driver.Navigate().Refresh();
        chromium.Until(d => Row(d, "connector-keys", keyId) is not null, "the key was not listed after a reload");
        Assert.DoesNotContain(key, driver.PageSource, StringComparison.Ordinal);
        Assert.DoesNotContain(key[(key.LastIndexOf('_') + 1)..], (await KeysAsync(world)).GetRawText(), StringComparison.Ordinal);

        // Revoke, after the browser's confirmation: gone from the list and from the admin API.
        chromium.Until(d => Row(d, "connector-keys", keyId) is { } row && Clicked(row.FindElement(By.CssSelector("button[data-action='revoke']"))),
            "the revoke button could not be clicked");
        Assert.Contains(keyId, driver.SwitchTo().Alert().Text, StringComparison.Ordinal);
        driver.SwitchTo().Alert().Accept();
        chromium.Until(d => Row(d, "connector-keys", keyId) is null && d.FindElement(By.Id("key-result")).Text.StartsWith("Revoked slack-bridge", StringComparison.Ordinal),
            "the revoked key still showed");
        Assert.NotNull(Row(driver, "connector-keys", "xmpp-bridge"));
        var listed = (await KeysAsync(world)).EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(keyId, listed);
        Assert.Single(listed);
    }

    private static async Task<System.Text.Json.JsonElement> KeysAsync(Graph.GraphIngestWorld world)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/connector-keys");
        request.Headers.Add("X-Admin-Key", Graph.GraphIngestWorld.AdminKey);
        using var response = await world.GatewayHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
    }

    private static async Task<System.Text.Json.JsonElement> PrivacyAsync(Graph.GraphIngestWorld world, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/organizations/{world.Organization}/users/{userId}/privacy");
        request.Headers.Add("X-Admin-Key", Graph.GraphIngestWorld.AdminKey);
        using var response = await world.GatewayHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
    }

    /// <summary>Clicks a user's action button, retrying when a refresh replaced the row under the click.</summary>
    private void Click(string userId, string action) =>
        chromium.Until(d => Row(d, "consents", userId) is { } row && Clicked(row.FindElement(By.CssSelector($"button[data-action='{action}']"))),
            $"the {action} button of {userId} could not be clicked");

    private static bool Clicked(IWebElement element)
    {
        element.Click();
        return true;
    }

    private static IWebElement? Row(ISearchContext page, string table, string text) =>
        page.FindElements(By.CssSelector($"#{table} tbody tr")).FirstOrDefault(r => r.Text.Contains(text, StringComparison.Ordinal));
}
