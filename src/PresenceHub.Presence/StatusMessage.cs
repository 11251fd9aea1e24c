namespace PresenceHub.Presence;

/// <summary>A user's plain-text status message and when it stops applying.</summary>
public sealed record StatusMessage
{
    /// <summary>Longest message kept (Teams' own limit); longer text is cut at a character boundary.</summary>
    public const int MaxLength = 280;

    /// <summary>Creates a message; the content is trimmed and cut to <see cref="MaxLength"/>.</summary>
    /// <param name="content">Plain text with at least one character that is not white space.</param>
    /// <param name="expiry">When the message expires; null when it does not.</param>
    /// <exception cref="ArgumentException">The content is empty or only white space.</exception>
    public StatusMessage(string content, DateTimeOffset? expiry = null)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new ArgumentException("A status message has text; use null for no message.", nameof(content));
        }

        Content = PresenceText.Truncate(content.Trim(), MaxLength);
        Expiry = expiry;
    }

    /// <summary>Plain text, trimmed, never empty.</summary>
    public string Content { get; }

    /// <summary>When the message expires; null when it does not.</summary>
    public DateTimeOffset? Expiry { get; }

    /// <summary>Creates a message from untrusted text; null when the text is empty or only white space.</summary>
    public static StatusMessage? Create(string? content, DateTimeOffset? expiry = null) =>
        string.IsNullOrWhiteSpace(content) ? null : new StatusMessage(content, expiry);
}
