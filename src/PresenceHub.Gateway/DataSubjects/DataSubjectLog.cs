namespace PresenceHub.Gateway.DataSubjects;

/// <summary>Log messages of data-subject requests and privacy controls (EventIds 8100–8199). Ids, flags and counts only.</summary>
internal static partial class DataSubjectLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information,
        Message = "Privacy settings of user {UserId} of {Organization} changed by {Actor}: paused {Paused}, share out {ShareOut}, show in {ShowIn}.")]
    public static partial void SettingsChanged(ILogger logger, string userId, string organization, string actor, bool paused, bool shareOut, bool showIn);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "User {UserId} of {Organization} stopped sharing out; connectors were told to forget them.")]
    public static partial void Withdrawn(ILogger logger, string userId, string organization);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "User {UserId} of {Organization} shares out again; {Corrections} current presence published.")]
    public static partial void Republished(ILogger logger, string userId, string organization, int corrections);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning,
        Message = "User {UserId} of {Organization} shares out again, but their current presence could not be read now; the next reconciliation publishes it.")]
    public static partial void RepublishFailed(ILogger logger, Exception exception, string userId, string organization);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "The write-back session of user {UserId} of {Organization} is being cleared: they no longer show presence in.")]
    public static partial void WriteBackCleared(ILogger logger, string userId, string organization);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Information, Message = "Data of user {UserId} of {Organization} exported for {Actor} ({Entries} metadata entries).")]
    public static partial void Exported(ILogger logger, string userId, string organization, string actor, int entries);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information,
        Message = "Federation policy of {Organization} set: {Platforms} platforms, {Domains} domains (-1: any); {Ended} connector sessions ended.")]
    public static partial void PolicyChanged(ILogger logger, string organization, int platforms, int domains, int ended);

    [LoggerMessage(EventId = 8204, Level = LogLevel.Warning, Message = "The personal tab could not read presence for {Organization}: the relay is unavailable.")]
    public static partial void RelayUnavailable(ILogger logger, string organization);
}
