using System.Buffers.Binary;
using System.IO.Compression;

namespace PresenceHub.Gateway.TeamsApp;

/// <summary>Draws the app's icons as PNG files: a presence dot on the accent color, and its white outline.</summary>
internal static class PngIcon
{
    /// <summary>192×192, opaque: the accent color with a white presence dot.</summary>
    public static byte[] Color(string accentColor)
    {
        var (r, g, b) = ParseColor(accentColor);
        return Draw(192, (x, y) =>
        {
            var d = Distance(x, y, 96, 96);
            return d <= 48 ? ((byte)255, (byte)255, (byte)255, (byte)255) : ((byte)r, (byte)g, (byte)b, (byte)255);
        });
    }

    /// <summary>32×32, transparent with a white ring, as Teams requires of outline icons.</summary>
    public static byte[] Outline() => Draw(32, (x, y) =>
    {
        var d = Distance(x, y, 16, 16);
        return d is >= 9 and <= 13 ? ((byte)255, (byte)255, (byte)255, (byte)255) : ((byte)0, (byte)0, (byte)0, (byte)0);
    });

    private static double Distance(int x, int y, double cx, double cy) => Math.Sqrt(((x + 0.5 - cx) * (x + 0.5 - cx)) + ((y + 0.5 - cy) * (y + 0.5 - cy)));

    private static (int R, int G, int B) ParseColor(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    private static byte[] Draw(int size, Func<int, int, (byte R, byte G, byte B, byte A)> pixel)
    {
        var raw = new byte[size * ((size * 4) + 1)];
        var i = 0;
        for (var y = 0; y < size; y++)
        {
            raw[i++] = 0; // filter: none
            for (var x = 0; x < size; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                raw[i++] = r;
                raw[i++] = g;
                raw[i++] = b;
                raw[i++] = a;
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; // bit depth
        header[9] = 6; // RGBA
        WriteChunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            WriteChunk(png, "IDAT", compressed.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        stream.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        stream.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
