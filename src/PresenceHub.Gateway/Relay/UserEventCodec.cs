using System.Text.Json;
using PresenceHub.Gateway.Profiles;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The compact JSON of profile and withdrawn events in the event stream. Unknown properties are skipped, so a
/// newer gateway may add some; the organization is not written, as the stream's key carries it.
/// </summary>
internal static class UserEventCodec
{
    public static byte[] Encode(UserProfileRecord profile)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("u"u8, profile.UserId);
            WriteOptional(json, "n"u8, profile.DisplayName);
            WriteOptional(json, "m"u8, profile.Mail);
            WriteOptional(json, "p"u8, profile.UserPrincipalName);
            WriteOptional(json, "j"u8, profile.JobTitle);
            json.WriteBoolean("e"u8, profile.AccountEnabled);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] Encode(UserWithdrawal withdrawal)
    {
        using var buffer = new MemoryStream(96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("u"u8, withdrawal.UserId);
            json.WriteString("r"u8, Token(withdrawal.Reason));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not an encoded profile.</exception>
    public static UserProfileRecord DecodeProfile(ReadOnlySpan<byte> utf8)
    {
        string? user = null, name = null, mail = null, upn = null, title = null;
        var enabled = true;
        Read(utf8, (name2, reader) =>
        {
            switch (name2)
            {
                case "u": user = reader.GetString(); break;
                case "n": name = reader.GetString(); break;
                case "m": mail = reader.GetString(); break;
                case "p": upn = reader.GetString(); break;
                case "j": title = reader.GetString(); break;
                case "e": enabled = reader.GetBoolean(); break;
                default: return false;
            }

            return true;
        });
        return new UserProfileRecord(user ?? throw new FormatException("A profile event lacks its user."), name, mail, upn, title, enabled);
    }

    /// <exception cref="FormatException">The bytes are not an encoded withdrawal.</exception>
    public static UserWithdrawal DecodeWithdrawal(ReadOnlySpan<byte> utf8)
    {
        string? user = null, reason = null;
        Read(utf8, (name, reader) =>
        {
            switch (name)
            {
                case "u": user = reader.GetString(); break;
                case "r": reason = reader.GetString(); break;
                default: return false;
            }

            return true;
        });
        if (user is null || reason is null)
        {
            throw new FormatException("A withdrawn event lacks its user or reason.");
        }

        return new UserWithdrawal(user, reason switch
        {
            "user-removed" => WithdrawalReason.UserRemoved,
            "opted-out" => WithdrawalReason.OptedOut,
            "entitlement-revoked" => WithdrawalReason.EntitlementRevoked,
            _ => throw new FormatException("A withdrawn event has an unknown reason."),
        });
    }

    private static string Token(WithdrawalReason reason) => reason switch
    {
        WithdrawalReason.UserRemoved => "user-removed",
        WithdrawalReason.OptedOut => "opted-out",
        WithdrawalReason.EntitlementRevoked => "entitlement-revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown withdrawal reason."),
    };

    private static void WriteOptional(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private delegate bool PropertyReader(string name, Utf8JsonReader reader);

    private static void Read(ReadOnlySpan<byte> utf8, PropertyReader property)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("A relay entry is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (!property(name, reader))
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException("A relay entry is not a user event.", e);
        }
    }
}
