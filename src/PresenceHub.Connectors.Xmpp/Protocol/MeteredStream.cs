namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>
/// A read-only view of the network stream that counts bytes and refuses to read past the stream's budget or past one
/// stanza's budget since <see cref="MarkStanzaStart"/>. The XML reader grows its buffer to hold a whole start tag or
/// name, so bounding what it can pull from the network bounds its memory, whatever the XML looks like.
/// </summary>
internal sealed class MeteredStream(Stream inner, XmppLimits limits) : Stream
{
    private long _total;
    private long _stanzaStart = -1;

    public long BytesRead => _total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>A stanza begins: from now on at most one stanza's budget (plus read-ahead) may be read until <see cref="MarkStanzaEnd"/>.</summary>
    public void MarkStanzaStart() => _stanzaStart = _total;

    /// <summary>Between stanzas only the stream's budget applies.</summary>
    public void MarkStanzaEnd() => _stanzaStart = -1;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, Allowed(count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Allowed(int requested)
    {
        if (_total >= limits.MaxStreamBytes)
        {
            throw new XmppStreamException("policy-violation", $"The stream exceeded {limits.MaxStreamBytes} bytes.");
        }

        if (_stanzaStart >= 0 && _total - _stanzaStart >= (long)limits.MaxStanzaBytes + XmppLimits.ReadAheadBytes)
        {
            throw new XmppStreamException("policy-violation", $"A stanza exceeded {limits.MaxStanzaBytes} bytes.");
        }

        // Never hand the reader more than the budgets leave, so a limit trips at the byte it is crossed.
        var left = limits.MaxStreamBytes - _total;
        if (_stanzaStart >= 0)
        {
            left = Math.Min(left, (long)limits.MaxStanzaBytes + XmppLimits.ReadAheadBytes - (_total - _stanzaStart));
        }

        return (int)Math.Min(requested, left);
    }

    private int Count(int read)
    {
        _total += read;
        return read;
    }
}
