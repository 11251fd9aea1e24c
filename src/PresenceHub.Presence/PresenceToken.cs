namespace PresenceHub.Presence;

/// <summary>Parses the enumerated words Graph uses for availability and activity.</summary>
internal static class PresenceToken
{
    /// <summary>Longest value kept verbatim; longer input is treated as malformed.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Returns the canonical spelling of a known value (matched case-insensitively), the trimmed input for a
    /// well-formed unknown value, or null when the input is empty or malformed.
    /// </summary>
    public static string? Normalize(string? raw, IReadOnlyDictionary<string, string> known)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var value = raw.Trim();
        if (known.TryGetValue(value, out var canonical))
        {
            return canonical;
        }

        return IsWellFormed(value) ? value : null;
    }

    public static Dictionary<string, string> Index(params string[] values) =>
        values.ToDictionary(v => v, v => v, StringComparer.OrdinalIgnoreCase);

    private static bool IsWellFormed(string value)
    {
        if (value.Length > MaxLength || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
