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

    [LoggerMessage(EventId = 8210, Level = LogLevel.Warning,
        Message = "The admin API and console are off: no Kestrel endpoint named Admin is configured (Kestrel:Endpoints:Admin:Url, e.g. http://+:8082). Every path under /admin answers 404.")]
    public static partial void AdminSurfaceOff(ILogger logger);

    [LoggerMessage(EventId = 8211, Level = LogLevel.Information,
        Message = "The admin API and console answer on every listener: no Kestrel endpoint named Admin is configured and AdminConsole:LocalSignIn is on (demo only).")]
    public static partial void AdminSurfaceEverywhere(ILogger logger);
}
