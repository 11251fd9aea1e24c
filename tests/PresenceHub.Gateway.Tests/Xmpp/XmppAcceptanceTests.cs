using PresenceHub.Gateway.Profiles;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Xmpp;

/// <summary>
/// The XMPP connector end to end with real parts only: the Graph simulator and the gateway, a real Prosody with the
/// connector attached as an external component, the connector as its own process, a real XMPP client (slixmpp)
/// logged in as an ordinary user, and the gateway's write-back into the simulator's Teams presence.
/// </summary>
public sealed class XmppAcceptanceTests
{
    private const string ComponentDomain = "teams.example.test";
    private const string Alice = @"alice\40contoso.com@teams.example.test";
    private const string Bob = @"bob\40contoso.com@teams.example.test";

    [Fact]
    public async Task XmppClient_SeesTeamsPresence_AndItsOwnDndReachesTheHub_AcrossProsodyAndConnectorRestarts()
    {
        // Fail at once, before the gateway starts, when Prosody or the XMPP client is missing.
        ProsodyServer.EnsureInstalled();
        XmppClientProcess.EnsureInstalled();

        // The gateway's real write-back (setPresence into the simulator's Teams) and its real user directory, which the
        // profile subscription fills with the users' mail addresses.
        await using var world = await ConnectorApiTests.StartAsync(3, settings: new Dictionary<string, string?> { ["WriteBack:PollInterval"] = "00:00:00.050" });
        var (alice, carol, bob) = (world.UserIds[0], world.UserIds[1], world.UserIds[2]);
        var directory = world.Gateway.Services.GetRequiredService<IUserDirectory>();
        foreach (var (id, name) in new[] { (alice, "alice"), (carol, "carol"), (bob, "bob") })
        {
            world.Control.UpdateUser(id, displayName: name, mail: $"{name}@contoso.com");
        }

        await Eventually.UntilAsync(async () =>
        {
            foreach (var name in new[] { "alice", "carol", "bob" })
            {
                if ((await directory.FindByAddressAsync(world.Organization, $"{name}@contoso.com", CancellationToken.None)).Count != 1)
                {
                    return false;
                }
            }

            return true;
        }, because: "the users' mail addresses did not reach the gateway's directory");

        // Carol is on XMPP as carol@localhost; an administrator linked that address to her Teams account.
        await world.LinkIdentityAsync("xmpp", "carol@localhost", carol);
        world.Control.SetUserPresence(alice, "Available", "Available");
        world.Control.SetUserPresence(bob, "Away", "Away");
        await Eventually.UntilAsync(async () => await world.LastKnownAsync(alice) is not null && await world.LastKnownAsync(bob) is not null,
            because: "the Teams presence did not reach the hub");

        var temp = Directory.CreateTempSubdirectory("presencehub-xmpp-");
        try
        {
            await using var prosody = ProsodyServer.Create(Path.Combine(temp.FullName, "prosody"), ComponentDomain, "component-secret-0123");
            await prosody.RegisterAsync("carol", "carol-password");
            await prosody.StartAsync();
            var settings = new Dictionary<string, string>
            {
                ["PresenceHub:Connector:HubAddress"] = world.ConnectorAddress.ToString(),
                ["PresenceHub:Connector:ConnectorId"] = "xmpp-1",
                ["PresenceHub:Connector:AccessToken"] = await world.IssueConnectorKeyAsync("xmpp-bridge", "xmpp"),
                ["PresenceHub:Connector:MinReconnectDelay"] = "00:00:00.050",
                ["PresenceHub:Connector:MaxReconnectDelay"] = "00:00:00.500",
                ["Xmpp:ServerHost"] = "127.0.0.1",
                ["Xmpp:ServerPort"] = prosody.ComponentPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Xmpp:ComponentDomain"] = ComponentDomain,
                ["Xmpp:ComponentSecret"] = prosody.ComponentSecret,
                ["Xmpp:StateDirectory"] = Path.Combine(temp.FullName, "connector"),
                ["Xmpp:MinReconnectDelay"] = "00:00:00.100",
                ["Xmpp:MaxReconnectDelay"] = "00:00:01",
            };
            var connector = XmppConnectorProcess.Start(settings);
            await using var client = XmppClientProcess.Start("carol@localhost", "carol-password", prosody.ClientPort, Alice);
            try
            {
                await Eventually.UntilAsync(() => connector.ComponentConnections == 1 && client.Sessions == 1,
                    because: "the component or the client did not connect to Prosody");

                // Subscriptions: federated Teams users are approved and show their presence at once; others are refused.
                await client.SendAsync("subscribe");
                await client.SendAsync($"subscribe {Bob}");
                await client.SendAsync(@"subscribe mallory\40elsewhere.example@teams.example.test");
                await Eventually.UntilAsync(() => client.Received($"subscription {Alice} subscribed") && client.Received($"subscription {Bob} subscribed"),
                    because: "the subscriptions to Teams users were not approved");
                await Eventually.UntilAsync(() => client.Received(@"subscription mallory\40elsewhere.example@teams.example.test unsubscribed"),
                    because: "a subscription to an unknown address was not refused");
                await Eventually.UntilAsync(() => client.LatestPresence(Alice) == "available -" && client.LatestPresence(Bob) == "available away",
                    because: "the current presence did not follow the approval");

                // Teams to XMPP: a call is dnd with a status, offline is unavailable.
                world.Control.SetUserPresence(alice, "Busy", "InACall");
                await Eventually.UntilAsync(() => client.LatestPresence(Alice) == "available dnd In a call", because: "the call did not show as dnd");
                world.Control.SetUserPresence(alice, "Offline", "Offline");
                await Eventually.UntilAsync(() => client.LatestPresence(Alice) == "unavailable", because: "offline did not show as unavailable");

                // XMPP to Teams: Carol's own dnd, directed at a Teams contact, is published for her Teams account and
                // written into Teams as a session, which Graph aggregates to DoNotDisturb (session pair DoNotDisturb/Presenting).
                Assert.NotEqual("DoNotDisturb", world.Control.GetPresence(carol).Availability);
                await client.SendAsync("show dnd Focusing");
                await Eventually.UntilAsync(() => world.Control.GetPresence(carol).Availability == "DoNotDisturb",
                    because: "the client's dnd did not show as DoNotDisturb in Teams");

                // Prosody restarts; Teams changes while it is down. After both reconnect, every contact shows the truth.
                await prosody.KillAsync();
                world.Control.SetUserPresence(alice, "Busy", "InAMeeting");
                world.Control.SetUserPresence(bob, "Available", "Available");
                await Eventually.UntilAsync(async () => (await world.LastKnownAsync(bob))?.State.Availability == Availability.Available,
                    because: "the change during the outage did not reach the hub");
                await prosody.StartAsync();
                await Eventually.UntilAsync(() => connector.ComponentConnections == 2 && client.Sessions == 2,
                    because: "the component or the client did not reconnect to the restarted Prosody");
                await Eventually.UntilAsync(() => client.LatestPresence(Alice) == "available dnd In a meeting" && client.LatestPresence(Bob) == "available -",
                    because: "after Prosody restarted, the contacts did not show the current presence");

                // The connector is killed; Teams changes while it is down; a new connector process shows the truth.
                await connector.KillAsync();
                await connector.DisposeAsync();
                world.Control.SetUserPresence(alice, "DoNotDisturb", "Presenting");
                world.Control.SetUserPresence(bob, "Offline", "Offline");
                await Eventually.UntilAsync(async () => (await world.LastKnownAsync(bob))?.State.Availability == Availability.Offline,
                    because: "the change during the connector's outage did not reach the hub");
                connector = XmppConnectorProcess.Start(settings);
                await Eventually.UntilAsync(() => connector.ComponentConnections == 1, because: "the restarted connector did not connect");
                await Eventually.UntilAsync(() => client.LatestPresence(Alice) == "available dnd Presenting" && client.LatestPresence(Bob) == "unavailable",
                    because: "after the connector restarted, the contacts did not show the current presence");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                var prosodyLog = string.Join('\n', prosody.Log.Split('\n').TakeLast(40));
                throw new Xunit.Sdk.XunitException(
                    $"{exception.Message}\n--- client ---\n{client.Transcript}\n--- connector ---\n{connector.Transcript}\n--- prosody ---\n{prosodyLog}", exception);
            }
            finally
            {
                await connector.DisposeAsync();
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
