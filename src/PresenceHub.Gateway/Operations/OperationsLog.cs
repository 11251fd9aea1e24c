namespace PresenceHub.Gateway.Operations;

/// <summary>Operations' log messages (EventIds 7000-7099): check names, reasons, counts and organization ids only.</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(7000, LogLevel.Warning, "Readiness check {Check} failed ({Reason}); the gateway reports not ready")]
    public static partial void NotReady(ILogger logger, string check, string reason);

    [LoggerMessage(7001, LogLevel.Information, "Readiness check {Check} passes again")]
    public static partial void Ready(ILogger logger, string check);

    [LoggerMessage(7002, LogLevel.Warning, "No Graph app token for organization {OrganizationId} ({Reason})")]
    public static partial void TokenFailed(ILogger logger, string organizationId, string reason);

    [LoggerMessage(7003, LogLevel.Warning, "For organization {OrganizationId}, {Unreachable} did not answer; last reached {UnreachableFor} ago")]
    public static partial void Unreachable(ILogger logger, string organizationId, string unreachable, TimeSpan unreachableFor);
}
