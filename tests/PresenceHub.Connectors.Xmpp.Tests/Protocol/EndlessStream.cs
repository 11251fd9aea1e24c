using System.Text;

namespace PresenceHub.Connectors.Xmpp.Tests.Protocol;

/// <summary>A peer that sends <c>prefix</c> and then repeats <c>filler</c> forever: only a reader's limits end it.</summary>
internal sealed class EndlessStream(string prefix, string filler) : Stream
{
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);
    private readonly byte[] _filler = Encoding.UTF8.GetBytes(filler);
    private long _position;

    public long BytesServed => _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        for (var i = 0; i < count; i++)
        {
            buffer[offset + i] = _position < _prefix.Length ? _prefix[_position] : _filler[(_position - _prefix.Length) % _filler.Length];
            _position++;
        }

        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
