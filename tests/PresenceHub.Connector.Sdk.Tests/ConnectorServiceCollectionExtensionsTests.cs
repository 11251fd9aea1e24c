using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PresenceHub.Connector.Sdk.Testing;
using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk.Tests;

public sealed class ConnectorServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Host_WithAPresenceDelegate_ConnectsFromConfigurationAndHandlesEvents()
    {
        await using var hub = await FakePresenceHub.StartAsync();
        var received = new TaskCompletionSource<PresenceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PresenceHub:Connector:HubAddress"] = hub.Address.ToString(),
            ["PresenceHub:Connector:ConnectorId"] = "hosted-1",
            ["PresenceHub:Connector:Platform"] = "webex",
            ["PresenceHub:Connector:AccessToken"] = hub.AccessToken,
        });
        builder.Services.AddPresenceHubConnector((e, _) =>
        {
            received.TrySetResult(e);
            return ValueTask.CompletedTask;
        });
        using var host = builder.Build();
        await host.StartAsync();

        var eventId = hub.PushPresence(FakeUser.Create("ada"), PresenceState.ForCategory(PresenceCategory.Busy));
        var presence = await received.Task.WaitAsync(Testbed.Deadline);

        Assert.Equal(eventId, presence.EventId);
        Assert.Equal("webex", Assert.Single(hub.Connections).Platform);
        await host.StopAsync();
        Assert.Equal(ConnectionStatus.Stopped, host.Services.GetRequiredService<ConnectorClient>().Status);
    }

    [Fact]
    public async Task Host_WithInvalidOptions_FailsAtStartNamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPresenceHubConnector<RecordingHandler>(options =>
        {
            options.HubAddress = new Uri("https://hub.example");
            options.ConnectorId = "ok";
            options.Platform = "slack";
        });
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("PresenceHub:Connector:AccessToken", failure.Message, StringComparison.Ordinal);
    }
}
