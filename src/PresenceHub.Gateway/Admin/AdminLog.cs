namespace PresenceHub.Gateway.Admin;

/// <summary>The admin console's log messages (EventIds 8200–8299; 8200 is Access's, 8204 the personal tab's). Ids and reasons only.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "The admin console signed in a local operator ({How}).")]
    public static partial void LocalSignIn(ILogger logger, string how);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Warning, Message = "A local sign-in to the admin console was refused: wrong admin key.")]
    public static partial void LocalSignInRefused(ILogger logger);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Warning, Message = "The setup checklist got no app token for {Organization} ({Reason}).")]
    public static partial void TokenFailed(ILogger logger, string organization, string reason);
}
