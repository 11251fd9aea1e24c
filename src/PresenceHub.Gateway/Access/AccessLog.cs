namespace PresenceHub.Gateway.Access;

/// <summary>Access's log messages: opaque organization ids only, never tokens or names.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 8200, Level = LogLevel.Warning,
        Message = "An administrator of {CallerOrganization} was refused on organization {RequestedOrganization}.")]
    public static partial void OtherOrganizationRefused(ILogger logger, string callerOrganization, string requestedOrganization);
}
