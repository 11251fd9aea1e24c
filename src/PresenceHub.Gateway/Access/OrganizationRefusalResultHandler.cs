using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Answers a caller refused by <see cref="AdmittedOrganizationRequirement"/> with a 403 problem saying why; every
/// other authorization outcome is ASP.NET Core's own.
/// </summary>
internal sealed class OrganizationRefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault(r => r.Handler is AdmittedOrganizationRequirement) is { } refused)
        {
            return Results.Problem(refused.Message, statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
