using PresenceHub.Connector.Sdk.Testing;

namespace PresenceHub.Connector.Sdk.Tests;

/// <summary>Creates clients pointed at a fake hub, with short delays so reconnects are quick.</summary>
internal static class Testbed
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static ConnectorClientOptions Options(FakePresenceHub hub, string connectorId = "test-connector", string platform = "xmpp") => new()
    {
        HubAddress = hub.Address,
        ConnectorId = connectorId,
        Platform = platform,
        ConnectorVersion = "1.0.0",
        AccessToken = hub.AccessToken,
        MinReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<ConnectorClient> StartClientAsync(
        FakePresenceHub hub, IConnectorHandler handler, ConnectorClientOptions? options = null, ICursorStore? cursorStore = null)
    {
        var client = new ConnectorClient(options ?? Options(hub), handler, cursorStore);
        await client.StartAsync(CancellationToken.None);
        return client;
    }

    /// <summary>Completes when the client reaches <paramref name="status"/>; fails the test at the deadline.</summary>
    public static async Task UntilStatusAsync(ConnectorClient client, ConnectionStatus status)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, ConnectionStatusChangedEventArgs args)
        {
            if (args.Status == status)
            {
                reached.TrySetResult();
            }
        }

        client.StatusChanged += OnChanged;
        try
        {
            if (client.Status == status)
            {
                return;
            }

            await reached.Task.WaitAsync(Deadline);
        }
        finally
        {
            client.StatusChanged -= OnChanged;
        }
    }
}
