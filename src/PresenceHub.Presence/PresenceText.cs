using System.Globalization;

namespace PresenceHub.Presence;

/// <summary>Text helpers shared by the mappings.</summary>
internal static class PresenceText
{
    /// <summary>Cuts text to at most <paramref name="maxLength"/> UTF-16 units without splitting a character.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = elements.ElementIndex + elements.GetTextElement().Length;
            if (next > maxLength)
            {
                break;
            }

            cut = next;
        }

        if (cut == 0)
        {
            // One character longer than the limit (a long run of combining marks): cut between code points instead.
            cut = char.IsLowSurrogate(text[maxLength]) ? maxLength - 1 : maxLength;
        }

        return text[..cut].TrimEnd();
    }
}
