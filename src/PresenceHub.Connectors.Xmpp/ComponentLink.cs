using System.Net.Sockets;
using System.Xml.Linq;
using PresenceHub.Connectors.Xmpp.Presence;
using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp;

/// <summary>The current component connection, shared by the service that (re)connects it and the router that sends.</summary>
internal sealed class ComponentLink : IStanzaSender
{
    private ComponentConnection? _connection;

    public bool IsConnected => Volatile.Read(ref _connection) is not null;

    public void Attach(ComponentConnection connection) => Volatile.Write(ref _connection, connection);

    public void Detach(ComponentConnection connection) => Interlocked.CompareExchange(ref _connection, null, connection);

    public async ValueTask<bool> SendAsync(XElement stanza, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is not { } connection)
        {
            return false;
        }

        try
        {
            await connection.SendAsync(stanza, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException)
        {
            return false;
        }
    }
}
