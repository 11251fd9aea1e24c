namespace PresenceHub.Presence;

/// <summary>Teams out-of-office settings.</summary>
/// <param name="IsOutOfOffice">Whether the user is out of office now.</param>
/// <param name="Message">The out-of-office reply, as plain text; null when there is none.</param>
public sealed record OutOfOfficeSettings(bool IsOutOfOffice, string? Message)
{
    /// <summary>Out of office with no message.</summary>
    public static OutOfOfficeSettings Away { get; } = new(true, null);
}
