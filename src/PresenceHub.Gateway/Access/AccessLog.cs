namespace PresenceHub.Gateway.Access;

/// <summary>Access's log messages: opaque organization ids only, never tokens or names.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 8200, Level = LogLevel.Warning,
        Message = "An administrator of {CallerOrganization} was refused on organization {RequestedOrganization}.")]
    public static partial void OtherOrganizationRefused(ILogger logger, string callerOrganization, string requestedOrganization);

    [LoggerMessage(EventId = 8205, Level = LogLevel.Warning,
        Message = "Organization {Organization} is not admitted (Organizations:Allowed); a caller with a {Credential} was refused.")]
    public static partial void OrganizationNotAdmitted(ILogger logger, string organization, string credential);
}
