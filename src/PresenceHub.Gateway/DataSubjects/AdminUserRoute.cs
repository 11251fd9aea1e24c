using PresenceHub.Presence;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// The <c>{organization}</c> and <c>{userId}</c> of the admin API's per-user routes: both Entra ids (GUIDs), the
/// user's in its canonical form.
/// </summary>
internal static class AdminUserRoute
{
    /// <summary>The organization and user, or null when either is not a GUID.</summary>
    public static (OrganizationId Organization, string UserId)? Parse(string organization, string userId) =>
        OrganizationId.TryParse(organization, out var org) && Guid.TryParse(userId, out var user) ? (org, user.ToString("D")) : null;

    /// <summary>The answer when <see cref="Parse"/> finds no user.</summary>
    public static IResult Invalid() =>
        Results.Problem("The organization and user must be Entra ids (GUIDs).", statusCode: StatusCodes.Status400BadRequest);
}
