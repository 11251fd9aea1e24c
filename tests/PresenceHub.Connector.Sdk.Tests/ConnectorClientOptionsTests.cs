using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Connector.Sdk.Tests;

public sealed class ConnectorClientOptionsTests
{
    private static ConnectorClientOptions Valid() => new()
    {
        HubAddress = new Uri("https://hub.example"),
        ConnectorId = "slack-main",
        Platform = "slack",
        AccessToken = "key",
    };

    [Fact]
    public void Client_WithValidOptions_IsCreated()
    {
        using var _ = new ClientLease(new ConnectorClient(Valid(), new RecordingHandler()));
    }

    [Theory]
    [InlineData("ConnectorId", "PresenceHub:Connector:ConnectorId")]
    [InlineData("Platform", "PresenceHub:Connector:Platform")]
    [InlineData("AccessToken", "PresenceHub:Connector:AccessToken")]
    [InlineData("HubAddress", "HubAddress")]
    [InlineData("Delays", "MinReconnectDelay")]
    public void Client_WithAnInvalidSetting_FailsNamingIt(string setting, string named)
    {
        var options = Valid();
        switch (setting)
        {
            case "ConnectorId": options.ConnectorId = "../etc"; break;
            case "Platform": options.Platform = "not a platform"; break;
            case "AccessToken": options.AccessToken = null; break;
            case "HubAddress": options.HubAddress = null; break;
            case "Delays": options.MinReconnectDelay = TimeSpan.FromMinutes(5); break;
        }

        var failure = Assert.Throws<ValidationException>(() => new ConnectorClient(options, new RecordingHandler()));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessTokenProvider_ReplacesAFixedToken()
    {
        var options = Valid();
        options.AccessToken = null;
        options.AccessTokenProvider = _ => ValueTask.FromResult("entra-token");

        using var _ = new ClientLease(new ConnectorClient(options, new RecordingHandler()));
    }

    private sealed class ClientLease(ConnectorClient client) : IDisposable
    {
        public void Dispose() => client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
