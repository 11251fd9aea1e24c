using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PresenceHub.Connectors.Xmpp.Tests;

public sealed class XmppConnectorOptionsTests
{
    [Fact]
    public async Task MissingSettings_FailTheStart_NamingEachSetting()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["PresenceHub:Connector:HubAddress"] = "http://127.0.0.1:1",
            ["PresenceHub:Connector:ConnectorId"] = "xmpp-1",
            ["PresenceHub:Connector:AccessToken"] = "phk_x",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        foreach (var setting in new[] { "ServerHost", "ComponentDomain", "ComponentSecret", "StateDirectory" })
        {
            Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Xmpp:ComponentDomain", "not a domain", "Xmpp:ComponentDomain")]
    [InlineData("Xmpp:MinReconnectDelay", "00:05:00", "Xmpp:MinReconnectDelay")]
    [InlineData("Xmpp:MaxStanzaDepth", "1000", "MaxStanzaDepth")]
    public async Task InvalidSetting_FailsTheStart_NamingIt(string key, string value, string named)
    {
        var settings = Complete();
        settings[key] = value;
        using var host = Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteSettings_Validate_AndThePlatformDefaultsToXmpp()
    {
        var settings = Complete();
        settings["Xmpp:MaxStanzaBytes"] = "4096";
        using var host = Build(settings);

        var options = host.Services.GetRequiredService<IOptions<XmppConnectorOptions>>().Value;
        Assert.Equal(5347, options.ServerPort);
        Assert.Equal(4096, options.Limits.MaxStanzaBytes);
        Assert.Equal("xmpp", host.Services.GetRequiredService<IOptions<Connector.Sdk.ConnectorClientOptions>>().Value.Platform);
    }

    private static Dictionary<string, string?> Complete() => new()
    {
        ["PresenceHub:Connector:HubAddress"] = "http://127.0.0.1:1",
        ["PresenceHub:Connector:ConnectorId"] = "xmpp-1",
        ["PresenceHub:Connector:AccessToken"] = "phk_x",
        ["Xmpp:ServerHost"] = "xmpp.example.com",
        ["Xmpp:ComponentDomain"] = "teams.example.com",
        ["Xmpp:ComponentSecret"] = "secret",
        ["Xmpp:StateDirectory"] = Path.GetTempPath(),
    };

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddXmppConnector();
        return builder.Build();
    }
}
