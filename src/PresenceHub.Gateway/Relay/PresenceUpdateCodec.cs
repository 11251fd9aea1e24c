using System.Buffers;
using System.Text.Json;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The compact JSON a presence update is stored as, in the event stream and as last-known presence. The organization
/// is not written: every key it is stored under carries it. Free texts (status message, out-of-office reply) are
/// written only in the last-known record, which expires; the event stream's form leaves them out and says so
/// (<c>"x":true</c>), and the reader takes them from the last-known record while it still holds that version.
/// </summary>
internal static class PresenceUpdateCodec
{
    // Reused per thread: encoding is synchronous and on the publish hot path.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The last-known record's form: everything, free texts included.</summary>
    public static byte[] Encode(PresenceUpdate update) => Encode(update, texts: true);

    /// <summary>The event stream's form: no free texts, with a mark when the update had any.</summary>
    public static byte[] EncodeForStream(PresenceUpdate update) => Encode(update, texts: false);

    /// <summary>
    /// A fingerprint of the presence itself (availability, activity, status message and its expiry, out-of-office
    /// settings), without version, time or origin: two updates with the same version are duplicates only when it matches.
    /// </summary>
    public static string ContentHash(PresenceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        json.WriteStartArray();
        json.WriteStringValue(state.Availability.Value);
        json.WriteStringValue(state.Activity.Value);
        json.WriteStringValue(state.StatusMessage?.Content);
        json.WriteNumberValue(state.StatusMessage?.Expiry?.UtcTicks ?? 0);
        json.WriteBooleanValue(state.OutOfOffice?.IsOutOfOffice ?? false);
        json.WriteStringValue(state.OutOfOffice?.Message);
        json.WriteNumberValue(state.OutOfOffice is null ? 0 : 1);
        json.WriteEndArray();
        json.Flush();
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static byte[] Encode(PresenceUpdate update, bool texts)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        {
            json.WriteStartObject();
            json.WriteString("u"u8, update.UserId);
            json.WriteString("s"u8, update.Source.Id);
            json.WriteString("a"u8, update.State.Availability.Value);
            json.WriteString("c"u8, update.State.Activity.Value);
            var withheld = !texts && (update.State.StatusMessage is not null || update.State.OutOfOffice?.Message is not null);
            if (withheld)
            {
                json.WriteBoolean("x"u8, true);
            }

            if (update.State.StatusMessage is { } message && texts)
            {
                json.WriteString("m"u8, message.Content);
                if (message.Expiry is { } expiry)
                {
                    json.WriteNumber("mx"u8, expiry.UtcTicks);
                }
            }

            if (update.State.OutOfOffice is { } outOfOffice)
            {
                json.WriteBoolean("oo"u8, outOfOffice.IsOutOfOffice);
                if (outOfOffice.Message is { } reply && texts)
                {
                    json.WriteString("om"u8, reply);
                }
            }

            json.WriteString("v"u8, update.Version.Stamp);
            if (update.Origin != update.Source)
            {
                json.WriteString("g"u8, update.Origin.Id);
            }

            json.WriteNumber("t"u8, update.ObservedAt.UtcTicks);
            json.WriteEndObject();
            json.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not an encoded update.</exception>
    public static PresenceUpdate Decode(OrganizationId organization, ReadOnlySpan<byte> utf8) => Decode(organization, utf8, out _);

    /// <param name="organization">The organization of the key the bytes were stored under.</param>
    /// <param name="utf8">The encoded update.</param>
    /// <param name="textsWithheld">Whether the update had free texts that this (stream) form left out.</param>
    /// <exception cref="FormatException">The bytes are not an encoded update.</exception>
    public static PresenceUpdate Decode(OrganizationId organization, ReadOnlySpan<byte> utf8, out bool textsWithheld)
    {
        textsWithheld = false;
        string? user = null, source = null, availability = null, activity = null, message = null, reply = null;
        string? version = null, origin = null;
        long? messageExpiry = null, observedAt = null;
        bool? outOfOffice = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                switch (name)
                {
                    case [(byte)'u']: user = reader.GetString(); break;
                    case [(byte)'s']: source = reader.GetString(); break;
                    case [(byte)'a']: availability = reader.GetString(); break;
                    case [(byte)'c']: activity = reader.GetString(); break;
                    case [(byte)'m']: message = reader.GetString(); break;
                    case [(byte)'m', (byte)'x']: messageExpiry = reader.GetInt64(); break;
                    case [(byte)'o', (byte)'o']: outOfOffice = reader.GetBoolean(); break;
                    case [(byte)'o', (byte)'m']: reply = reader.GetString(); break;
                    case [(byte)'v']: version = reader.GetString(); break;
                    case [(byte)'g']: origin = reader.GetString(); break;
                    case [(byte)'t']: observedAt = reader.GetInt64(); break;
                    case [(byte)'x']: textsWithheld = reader.GetBoolean(); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new FormatException("A relay entry is not a presence update.", e);
        }

        if (user is null || source is null || version is null || observedAt is null)
        {
            throw new FormatException("A relay entry lacks the user, source, version or time of a presence update.");
        }

        var sourcePlatform = Platform.Parse(source);
        var state = new PresenceState(
            Availability.Parse(availability),
            Activity.Parse(activity),
            message is null ? null : new StatusMessage(message, messageExpiry is { } x ? new DateTimeOffset(x, TimeSpan.Zero) : null),
            outOfOffice is { } isOut ? new OutOfOfficeSettings(isOut, reply) : null);
        return new PresenceUpdate(
            organization,
            user,
            sourcePlatform,
            state,
            PresenceVersion.Parse(version),
            origin is null ? sourcePlatform : Platform.Parse(origin),
            new DateTimeOffset(observedAt.Value, TimeSpan.Zero));
    }
}
