using Microsoft.AspNetCore.Authorization;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Part of the Teams SSO policy: the signed-in user's organization must be one the gateway serves, as
/// <see cref="CallerOrganization"/> decides. A refusal carries its sentence as the failure reason, which
/// <see cref="OrganizationRefusalResultHandler"/> answers as problem details.
/// </summary>
internal sealed class AdmittedOrganizationRequirement : AuthorizationHandler<AdmittedOrganizationRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdmittedOrganizationRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Resource is HttpContext http && context.User.Identity?.IsAuthenticated == true)
        {
            var admitted = http.RequestServices.GetRequiredService<AdmittedOrganizations>();
            if (CallerOrganization.TryAdmitted(context.User, admitted, "teams-sso", out _, out var refusal))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, refusal));
            }
        }

        return Task.CompletedTask;
    }
}
