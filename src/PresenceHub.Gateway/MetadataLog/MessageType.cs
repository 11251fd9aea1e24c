namespace PresenceHub.Gateway.MetadataLog;

/// <summary>The type of a processed message, as the metadata log records it.</summary>
internal enum MessageType
{
    /// <summary>A presence update.</summary>
    Presence,

    /// <summary>A profile change (display name, mail, ...).</summary>
    ProfileChange,

    /// <summary>A user left federation; connectors were told to stop showing them.</summary>
    Withdrawal,
}
