using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Identity.Client;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Serialization.Json;
using PresenceHub.GraphSimulator.Tests.TestSupport;

namespace PresenceHub.GraphSimulator.Tests;

/// <summary>Microsoft's own SDKs accept what the simulator produces.</summary>
public sealed class SdkAcceptanceTests : IAsyncLifetime
{
    private TestWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await TestWorld.StartAsync(freezeClock: false);
        ParseNodeFactoryRegistry.DefaultInstance.ContentTypeAssociatedFactories.TryAdd("application/json", new JsonParseNodeFactory());
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task RichPresenceBatch_DeserializesDecryptsAndValidatesWithGraphSdk()
    {
        var user = _world.UserIds[0];
        var subscriptionId = await _world.SubscribePresenceAsync([user]);
        _world.Control.SetStatusMessage(user, "On a train");
        _world.Control.SetUserPresence(user, "Busy", "InACall");
        await Eventually.UntilAsync(() => _world.Receiver.Items().Count >= 2, "two presence notifications arrived");

        var post = _world.Receiver.Posts.Last();
        var collection = await KiotaJsonSerializer.DeserializeAsync<ChangeNotificationCollection>(post.Body);
        Assert.NotNull(collection);
        var item = Assert.Single(collection.Value!);
        Assert.Equal(Guid.Parse(subscriptionId), item.SubscriptionId);
        Assert.Equal("secret-client-state", item.ClientState);
        Assert.Equal(ChangeType.Updated, item.ChangeType);
        Assert.Equal($"communications/presences('{user}')", item.Resource);
        Assert.Equal(Guid.Parse(_world.TenantId), item.TenantId);
        Assert.Equal("#Microsoft.Graph.presence", item.ResourceData!.OdataType);
        Assert.NotNull(item.EncryptedContent);
        Assert.Equal("presencehub-test-cert", item.EncryptedContent.EncryptionCertificateId);
        Assert.Single(collection.ValidationTokens!);

        var json = await item.EncryptedContent.DecryptAsync((id, thumbprint) =>
        {
            Assert.Equal(_world.EncryptionCertificate.Thumbprint, thumbprint);
            return Task.FromResult(X509CertificateLoader.LoadPkcs12(_world.EncryptionCertificate.Export(X509ContentType.Pkcs12), null));
        });
        var presence = JsonNode.Parse(json)!;
        Assert.Equal("Busy", presence["availability"]!.GetValue<string>());
        Assert.Equal("InACall", presence["activity"]!.GetValue<string>());
        Assert.Equal("On a train", presence["statusMessage"]!["message"]!["content"]!.GetValue<string>());
        Assert.NotNull(presence["sequenceNumber"]);

        var wellKnown = _world.Simulator.WellKnownUri(_world.TenantId).ToString();
        Assert.True(await collection.AreTokensValidAsync([Guid.Parse(_world.TenantId)], [Guid.Parse(_world.ClientId)], wellKnown));
        Assert.False(await collection.AreTokensValidAsync([Guid.Parse(_world.TenantId)], [Guid.NewGuid()], wellKnown));

        var token = collection.ValidationTokens![0];
        var parts = token.Split('.');
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        Assert.Equal("0bf30f3b-4a52-48df-9a82-234910c4a086", payload["appid"]!.GetValue<string>());
        Assert.Equal($"https://sts.windows.net/{_world.TenantId}/", payload["iss"]!.GetValue<string>());
        payload["aud"] = Guid.NewGuid().ToString();
        var forgedPayload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));
        collection.ValidationTokens = [$"{parts[0]}.{forgedPayload}.{parts[2]}"];
        Assert.False(await collection.AreTokensValidAsync([Guid.Parse(_world.TenantId)], [Guid.Parse(_world.ClientId)], wellKnown));
    }

    [Fact]
    public async Task ClientSecretCredential_WithOnlyAuthorityHostChanged_GetsTokenGraphAccepts()
    {
        var credential = new ClientSecretCredential(_world.TenantId, _world.ClientId, TestWorld.Secret, CredentialOptions<ClientSecretCredentialOptions>());
        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default);

        using var response = await _world.SendAsync(HttpMethod.Get, "v1.0/users", token.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ClientCertificateCredential_WithRegisteredCertificate_GetsToken()
    {
        using var certificate = GraphSimulator.CreateCertificateAuthority();
        var app = new SimulatedApp { ClientId = Guid.NewGuid().ToString(), CertificateBase64 = Convert.ToBase64String(certificate.Export(X509ContentType.Cert)) };
        app.ApplicationPermissions.Add("User.Read.All");
        _world.Control.AddApp(_world.TenantId, app);

        var credential = new ClientCertificateCredential(_world.TenantId, app.ClientId, certificate, CredentialOptions<ClientCertificateCredentialOptions>());
        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default);

        using var response = await _world.SendAsync(HttpMethod.Get, "v1.0/users", token.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GraphServiceClient_WithOnlyBaseUrlChanged_ListsUsersAndCreatesSubscription()
    {
        var credential = new ClientSecretCredential(_world.TenantId, _world.ClientId, TestWorld.Secret, CredentialOptions<ClientSecretCredentialOptions>());
        var auth = new AzureIdentityAuthenticationProvider(credential, [_world.Simulator.BaseAddress.Host], scopes: ["https://graph.microsoft.com/.default"]);
        using var http = GraphClientFactory.Create(finalHandler: _world.Simulator.CreateTrustingHandler());
        using var client = new GraphServiceClient(http, auth, _world.Simulator.GraphBaseUrl);

        var users = await client.Users.GetAsync();
        Assert.Equal(_world.UserIds.Order(), users!.Value!.Select(u => u.Id!).Order());
        Assert.All(users.Value!, u => Assert.False(string.IsNullOrEmpty(u.UserPrincipalName)));

        var created = await client.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created,updated,deleted",
            NotificationUrl = _world.Receiver.Url,
            Resource = "/users",
            ExpirationDateTime = _world.Control.Now.AddDays(1),
            ClientState = "sdk-client-state",
        });
        Assert.NotNull(created?.Id);
        Assert.Equal(1, _world.Receiver.Handshakes);

        var fetched = await client.Subscriptions[created.Id].GetAsync();
        Assert.Equal("sdk-client-state", fetched!.ClientState);

        var error = await Assert.ThrowsAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() => client.Users["no-such-user"].GetAsync());
        Assert.Equal("Request_ResourceNotFound", error.Error!.Code);
    }

    [Fact]
    public async Task MsalOnBehalfOf_WithTeamsSsoToken_GetsDelegatedTokenThatSubscribesToPresence()
    {
        var user = _world.UserIds[1];
        var ssoToken = _world.Control.MintTeamsSsoToken(_world.TenantId, user, _world.ClientId);
        var msal = ConfidentialClientApplicationBuilder.Create(_world.ClientId)
            .WithClientSecret(TestWorld.Secret)
            .WithAuthority(_world.Simulator.Authority(_world.TenantId).ToString())
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new TrustingMsalHttpClientFactory(_world.Simulator))
            .Build();

        var result = await msal.AcquireTokenOnBehalfOf(["https://graph.microsoft.com/.default"], new UserAssertion(ssoToken)).ExecuteAsync();
        Assert.Equal(user, result.Account.HomeAccountId.ObjectId);

        using var response = await _world.SendAsync(HttpMethod.Post, "v1.0/subscriptions", result.AccessToken, _world.PresenceSubscriptionBody([user], TimeSpan.FromMinutes(60)));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var subscription = await TestWorld.JsonAsync(response);
        Assert.Equal(user, subscription["creatorId"]!.GetValue<string>());
    }

    private T CredentialOptions<T>()
        where T : TokenCredentialOptions, new()
    {
        var options = new T { AuthorityHost = _world.Simulator.AuthorityHost, Transport = new HttpClientTransport(_world.Simulator.CreateTrustingHandler()) };
        switch (options)
        {
            case ClientSecretCredentialOptions s:
                s.DisableInstanceDiscovery = true;
                break;
            case ClientCertificateCredentialOptions c:
                c.DisableInstanceDiscovery = true;
                break;
        }

        return options;
    }

    private sealed class TrustingMsalHttpClientFactory(GraphSimulator simulator) : IMsalHttpClientFactory
    {
        private readonly HttpClient _client = new(simulator.CreateTrustingHandler());

        public HttpClient GetHttpClient() => _client;
    }
}
