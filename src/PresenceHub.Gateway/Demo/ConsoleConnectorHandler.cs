using PresenceHub.Connector.Sdk;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// The demo's console connector: what a real connector would write to its platform, it writes to the table (and, on
/// plain output, as one line per event). It receives through the C# SDK over the gateway's gRPC connector API.
/// </summary>
internal sealed class ConsoleConnectorHandler(PresenceTable table, IPresenceView view, ILogger logger) : IConnectorHandler
{
    public const string Stage = "connector";

    public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presenceEvent);
        if (table.Receive(presenceEvent.User.TeamsUserId, presenceEvent.Update) is { } row)
        {
            view.Changed(row.User, presenceEvent.Update, Stage);
        }
        else
        {
            DemoLog.UnknownUser(logger, presenceEvent.User.TeamsUserId);
        }

        return ValueTask.CompletedTask;
    }
}
