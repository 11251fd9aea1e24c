using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.GraphSimulator;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>Connectors authenticating with Entra app tokens (client credentials for the hub's API), validated by Microsoft.Identity.Web.</summary>
public sealed class ConnectorEntraTokenTests
{
    private const string ConnectorSecret = "connector-app-secret";

    [Fact]
    public async Task AllowedAppToken_IsAccepted_ForItsTenant_OtherAppsAndUserTokensAreUnauthenticated()
    {
        // The connector's own app registration in the same tenant, allowed to connect as xmpp only.
        var allowedClientId = Guid.NewGuid().ToString();
        await using var world = await ConnectorApiTests.StartAsync(users: 1, settings: new Dictionary<string, string?>
        {
            ["Connectors:EntraClientIds:0"] = $"{allowedClientId}=xmpp",
        });
        var tenant = world.Organization.ToString();
        world.Control.AddApp(tenant, new SimulatedApp { DisplayName = "XMPP connector", ClientSecret = ConnectorSecret, ClientId = allowedClientId });
        var otherClientId = world.Control.AddApp(tenant, new SimulatedApp { DisplayName = "Unlisted", ClientSecret = ConnectorSecret });

        var allowedToken = await AppTokenAsync(world, allowedClientId, world.ClientId);
        await using (var connector = ConnectorApiTests.Connect(world, allowedToken, "entra-xmpp", "xmpp", new RecordingHandler()))
        {
            var answer = await connector.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]);
            Assert.Single(answer);
            await connector.StartAsync(CancellationToken.None);
            await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the allowed app's token was not accepted");
        }

        // Listed, but restricted to xmpp.
        await using (var wrongPlatform = ConnectorApiTests.Connect(world, allowedToken, "entra-slack", "slack", new RecordingHandler()))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => wrongPlatform.PublishPresenceAsync("u", new Presence.PresenceState(Presence.Availability.Away, Presence.Activity.Away)));
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        }

        var rejected = new[]
        {
            await AppTokenAsync(world, otherClientId, world.ClientId),             // an app not on the list
            await AppTokenAsync(world, allowedClientId, "https://graph.microsoft.com"), // a token for another audience
            world.Control.MintTeamsSsoToken(tenant, world.UserIds[0], world.ClientId), // a user's token
        };
        foreach (var token in rejected)
        {
            await using var connector = ConnectorApiTests.Connect(world, token, "entra-bad", "xmpp", new RecordingHandler());
            var error = await Assert.ThrowsAsync<RpcException>(() => connector.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    private static async Task<string> AppTokenAsync(GraphIngestWorld world, string clientId, string resource)
    {
        using var http = world.Simulator.CreateHttpClient();
        var resourceId = resource.StartsWith("https://", StringComparison.Ordinal) ? resource : $"api://{resource}";
        using var response = await http.PostAsync(new Uri(world.Simulator.AuthorityHost, $"{world.Organization}/oauth2/v2.0/token"), new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = ConnectorSecret,
                ["scope"] = $"{resourceId}/.default",
            }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {body}");
        return body.GetProperty("access_token").GetString()!;
    }
}
