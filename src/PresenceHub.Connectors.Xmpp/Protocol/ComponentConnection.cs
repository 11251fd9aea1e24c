using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Xml.Linq;

namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>
/// One XEP-0114 connection to an XMPP server: opens the <c>jabber:component:accept</c> stream, proves the shared secret
/// with the handshake (SHA-1 of the stream id and the secret), then reads and writes stanzas. Writes are serialized;
/// reads belong to one reader. Disposing closes the socket, which also ends a pending read.
/// </summary>
internal sealed class ComponentConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _network;
    private readonly XmppStreamReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _disposed;

    private ComponentConnection(TcpClient client, XmppLimits limits)
    {
        _client = client;
        _network = client.GetStream();
        _reader = new XmppStreamReader(_network, limits);
    }

    /// <summary>Bytes read from the server on this connection.</summary>
    public long BytesRead => _reader.BytesRead;

    /// <summary>Connects, opens the stream for <paramref name="domain"/> and completes the handshake.</summary>
    /// <exception cref="XmppStreamException">The server refused the stream or the secret (<see cref="XmppStreamException.IsNotAuthorized"/>).</exception>
    public static async Task<ComponentConnection> ConnectAsync(
        string host, int port, string domain, string secret, XmppLimits limits, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        ComponentConnection? connection = null;
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            connection = new ComponentConnection(client, limits);
            // A read has no token of its own: closing the socket ends it.
            await using (cancellationToken.Register(static c => ((ComponentConnection)c!).Abort(), connection).ConfigureAwait(false))
            {
                await connection.WriteAsync(
                    $"<?xml version='1.0'?><stream:stream xmlns='{XmppNames.Component.NamespaceName}' " +
                    $"xmlns:stream='{XmppNames.Streams.NamespaceName}' to='{SecurityElement.Escape(domain)}'>",
                    cancellationToken).ConfigureAwait(false);
                var header = await connection._reader.ReadHeaderAsync().ConfigureAwait(false);
                if (string.IsNullOrEmpty(header.Id))
                {
                    throw new XmppStreamException("invalid-id", "The server's stream header has no id to hash.");
                }

                var proof = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(header.Id + secret)));
                await connection.WriteAsync($"<handshake>{proof}</handshake>", cancellationToken).ConfigureAwait(false);
                var reply = await connection._reader.ReadStanzaAsync().ConfigureAwait(false)
                    ?? throw new XmppStreamException("not-authorized", "The server closed the stream during the handshake.");
                ThrowIfStreamError(reply);
                if (reply.Name != XmppNames.Component + "handshake")
                {
                    throw new XmppStreamException("not-authorized", $"The server answered the handshake with <{reply.Name.LocalName}>.");
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            return connection;
        }
        catch (Exception exception)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                client.Dispose();
            }

            // Closing the socket on cancellation surfaces as an I/O error; report it as what it is.
            if (cancellationToken.IsCancellationRequested && exception is not OperationCanceledException)
            {
                throw new OperationCanceledException("Connecting to the XMPP server was cancelled or timed out.", exception, cancellationToken);
            }

            throw;
        }
    }

    /// <summary>The next stanza; null when the server closed the stream. A <c>&lt;stream:error&gt;</c> throws.</summary>
    public async Task<XElement?> ReadStanzaAsync(CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(static c => ((ComponentConnection)c!).Abort(), this).ConfigureAwait(false))
        {
            try
            {
                var stanza = await _reader.ReadStanzaAsync().ConfigureAwait(false);
                if (stanza is not null)
                {
                    ThrowIfStreamError(stanza);
                }

                return stanza;
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new XmppStreamException("connection-timeout", "The connection to the server was lost.", exception);
            }
        }
    }

    /// <summary>Sends one stanza.</summary>
    public Task SendAsync(XElement stanza, CancellationToken cancellationToken) =>
        WriteAsync(stanza.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces), cancellationToken);

    /// <summary>Sends a whitespace keep-alive, which also detects a dead connection.</summary>
    public Task SendKeepAliveAsync(CancellationToken cancellationToken) => WriteAsync(" ", cancellationToken);

    /// <summary>Closes the stream with a stream error (best effort), e.g. after the server sent hostile XML.</summary>
    public async Task FailAsync(string condition, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync($"<stream:error><{condition} xmlns='{XmppNames.StreamErrors.NamespaceName}'/></stream:error></stream:stream>",
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // The connection is going away anyway.
        }
    }

    /// <summary>Closes the stream politely, then the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await WriteCoreAsync("</stream:stream>", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // Already gone.
        }

        Abort();
        _reader.Dispose();
        _writeLock.Dispose();
    }

    private void Abort()
    {
        _network.Dispose();
        _client.Dispose();
    }

    private async Task WriteAsync(string xml, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await WriteCoreAsync(xml, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteCoreAsync(string xml, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _network.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void ThrowIfStreamError(XElement stanza)
    {
        if (stanza.Name == XmppNames.Streams + "error")
        {
            var condition = stanza.Elements().FirstOrDefault(e => e.Name.Namespace == XmppNames.StreamErrors)?.Name.LocalName ?? "undefined-condition";
            throw new XmppStreamException(condition, $"The server ended the stream with {condition}.");
        }
    }
}
