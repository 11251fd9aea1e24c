using System.Threading.Channels;
using ChangeNotification = Microsoft.Graph.Models.ChangeNotification;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Lifecycle notifications waiting for the subscription renewer, bounded so a flood cannot grow memory.</summary>
internal sealed class LifecycleEventQueue
{
    private readonly Channel<ChangeNotification> _channel = System.Threading.Channels.Channel.CreateBounded<ChangeNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public bool TryEnqueue(ChangeNotification notification) => _channel.Writer.TryWrite(notification);

    public ChannelReader<ChangeNotification> Reader => _channel.Reader;
}
