using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PresenceHub.Connectors.Xmpp.Tests.Protocol;

/// <summary>
/// One-connection TCP server on loopback that plays the XMPP server's side of a component stream from a script: it
/// waits for the component's header, sends <c>header</c>, waits for the handshake, records it and sends <c>reply</c>.
/// </summary>
internal sealed class ScriptedXmppServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _run;
    private TcpClient? _client;

    public ScriptedXmppServer(string header, Func<string, string> reply)
    {
        _listener.Start();
        _run = RunAsync(header, reply);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Everything the component sent.</summary>
    public StringBuilder Received { get; } = new();

    /// <summary>Sends more bytes to the component after the script.</summary>
    public async Task SendAsync(string xml)
    {
        await _run;
        await _client!.GetStream().WriteAsync(Encoding.UTF8.GetBytes(xml));
    }

    public async Task<string> ReceivedWhenAsync(string marker)
    {
        await _run;
        var buffer = new byte[4096];
        while (!Received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await _client!.GetStream().ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            Received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return Received.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _listener.Stop();
        try
        {
            await _run;
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync(string header, Func<string, string> reply)
    {
        _client = await _listener.AcceptTcpClientAsync();
        var stream = _client.GetStream();
        var buffer = new byte[4096];
        await ReadUntilAsync(stream, buffer, "<stream:stream");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(header));
        var received = await ReadUntilAsync(stream, buffer, "</handshake>");
        var start = received.IndexOf("<handshake>", StringComparison.Ordinal) + "<handshake>".Length;
        var proof = received[start..received.IndexOf("</handshake>", StringComparison.Ordinal)];
        await stream.WriteAsync(Encoding.UTF8.GetBytes(reply(proof)));
    }

    private async Task<string> ReadUntilAsync(NetworkStream stream, byte[] buffer, string marker)
    {
        while (!Received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                throw new IOException("The component hung up.");
            }

            Received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return Received.ToString();
    }
}
