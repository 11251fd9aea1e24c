using System.Text;

namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>
/// XEP-0106 JID escaping, which lets a mail address be the local part of a JID:
/// <c>alice@contoso.com</c> becomes <c>alice\40contoso.com</c>.
/// </summary>
internal static class JidEscaping
{
    // The ten characters XEP-0106 escapes, with their escape sequences (lowercase hex, as the XEP writes them).
    private static readonly (char Character, string Sequence)[] Escapes =
    [
        (' ', @"\20"), ('"', @"\22"), ('&', @"\26"), ('\'', @"\27"), ('/', @"\2f"),
        (':', @"\3a"), ('<', @"\3c"), ('>', @"\3e"), ('@', @"\40"), ('\\', @"\5c"),
    ];

    /// <summary>Escapes <paramref name="value"/> for use as a local part. Null for an empty value or one with a leading or trailing space, which XEP-0106 cannot express.</summary>
    public static string? Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value[0] == ' ' || value[^1] == ' ')
        {
            return null;
        }

        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            // A backslash is escaped only where it would otherwise read as the start of an escape sequence.
            if (c == '\\' && !StartsEscape(value, i))
            {
                builder.Append(c);
                continue;
            }

            var escape = Array.FindIndex(Escapes, e => e.Character == c);
            builder.Append(escape < 0 ? c.ToString() : Escapes[escape].Sequence);
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>: every escape sequence becomes its character; other backslashes stay.</summary>
    public static string Unescape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && SequenceAt(value, i) is { } index)
            {
                builder.Append(Escapes[index].Character);
                i += 2;
            }
            else
            {
                builder.Append(value[i]);
            }
        }

        return builder.ToString();
    }

    private static bool StartsEscape(string value, int index) => SequenceAt(value, index) is not null;

    private static int? SequenceAt(string value, int index)
    {
        if (index + 3 > value.Length)
        {
            return null;
        }

        var candidate = value.Substring(index, 3);
        var found = Array.FindIndex(Escapes, e => string.Equals(candidate, e.Sequence, StringComparison.OrdinalIgnoreCase));
        return found < 0 ? null : found;
    }
}
