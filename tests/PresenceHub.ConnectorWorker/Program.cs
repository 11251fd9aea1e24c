using System.Globalization;
using PresenceHub.Connector.Sdk;

// Usage: PresenceHub.ConnectorWorker <hub address> <key> <connector id> <platform> <cursor directory>
// Prints "connected <unix ms>" each time the stream is up, then one line per handled event:
// "event <event id> <teams user id> <version> <coalesced count> <availability> <activity> <handled at, unix ms> <lag ms>".
// Commands on stdin, one per line: "stall" makes the handler stop returning (so the client stops reading the stream
// while its heartbeats go on, as a hung connector would), "resume" lets it go on. Runs until killed or stdin closes.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: <hub address> <key> <connector id> <platform> <cursor directory>");
    return 2;
}

var handler = new PrintingHandler(TimeProvider.System);
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
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"connected {TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()}"));
    }
};
await client.StartAsync(CancellationToken.None);
while (await Console.In.ReadLineAsync() is { } command)
{
    switch (command.Trim())
    {
        case "stall":
            handler.Stall();
            Console.Out.WriteLine("stalled");
            break;
        case "resume":
            handler.Resume();
            Console.Out.WriteLine("resumed");
            break;
    }
}

handler.Resume();
await client.StopAsync(CancellationToken.None);
return 0;

/// <summary>Prints each presence event it handles; can be told to hang.</summary>
internal sealed class PrintingHandler(TimeProvider time) : IConnectorHandler
{
    private volatile TaskCompletionSource? _stalled;

    public void Stall() => _stalled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => Interlocked.Exchange(ref _stalled, null)?.TrySetResult();

    public async ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        if (_stalled is { } stalled)
        {
            await stalled.Task.WaitAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"event {presenceEvent.EventId} {presenceEvent.Update.UserId} {presenceEvent.Update.Version.Stamp} {presenceEvent.CoalescedCount} {presenceEvent.State.Availability} {presenceEvent.State.Activity} {now.ToUnixTimeMilliseconds()} {(long)(now - presenceEvent.ObservedAt).TotalMilliseconds}"));
    }
}
