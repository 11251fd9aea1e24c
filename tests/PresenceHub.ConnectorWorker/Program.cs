using System.Globalization;
using PresenceHub.Connector.Sdk;

// Usage: PresenceHub.ConnectorWorker <hub address> <key> <connector id> <platform> <cursor directory>
// Prints "connected" once the stream is up, then one line per handled event:
// "event <event id> <teams user id> <version> <coalesced count>". Runs until killed or stdin closes.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: <hub address> <key> <connector id> <platform> <cursor directory>");
    return 2;
}

var handler = new PrintingHandler();
await using var client = new ConnectorClient(new ConnectorClientOptions
{
    HubAddress = new Uri(args[0]),
    AccessToken = args[1],
    ConnectorId = args[2],
    Platform = args[3],
    MinReconnectDelay = TimeSpan.FromMilliseconds(50),
    MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
}, handler, new FileCursorStore(args[4]));
client.StatusChanged += (_, e) =>
{
    if (e.Status == ConnectionStatus.Connected)
    {
        Console.Out.WriteLine("connected");
    }
};
await client.StartAsync(CancellationToken.None);
await Console.In.ReadToEndAsync();
await client.StopAsync(CancellationToken.None);
return 0;

/// <summary>Prints each presence event it handles.</summary>
internal sealed class PrintingHandler : IConnectorHandler
{
    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"event {presenceEvent.EventId} {presenceEvent.Update.UserId} {presenceEvent.Update.Version.Stamp} {presenceEvent.CoalescedCount}"));
        return ValueTask.CompletedTask;
    }
}
