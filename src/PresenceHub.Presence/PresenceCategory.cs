namespace PresenceHub.Presence;

/// <summary>
/// What a presence means to someone looking at it. Every mapping goes through the category, so states that
/// mean the same thing are shown the same way on every platform.
/// </summary>
public enum PresenceCategory
{
    /// <summary>Nothing is known (Graph's PresenceUnknown, or a value no mapping understands).</summary>
    Unknown = 0,
    /// <summary>Available and active.</summary>
    Available,
    /// <summary>Available but idle.</summary>
    Idle,
    /// <summary>Busy, without a more specific reason.</summary>
    Busy,
    /// <summary>In a call or a conference call.</summary>
    InACall,
    /// <summary>In a meeting.</summary>
    InAMeeting,
    /// <summary>Do not disturb (including urgent interruptions only).</summary>
    DoNotDisturb,
    /// <summary>Presenting.</summary>
    Presenting,
    /// <summary>Away or be right back.</summary>
    Away,
    /// <summary>Offline, signed out or appearing offline.</summary>
    Offline,
    /// <summary>Out of office.</summary>
    OutOfOffice,
}
