
namespace PresenceHub.Gateway.Access;

/// <summary>
/// The admin API's two sign-ins besides the operator's key: Entra access tokens for our API validated by
/// Microsoft.Identity.Web (any tenant; the app role and the tenant are checked per request by
/// <see cref="AdminAuthorization"/>), and the demo's local sign-in cookie.
/// </summary>
internal static class AdminAuthentication
{
    public const string EntraScheme = "AdminEntra";
    public const string CookieScheme = "AdminConsole";

    public static IHostApplicationBuilder AddAdminAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddEntraBearer(EntraScheme)
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "PresenceHub.Admin";
                cookie.Cookie.HttpOnly = true;
                // With a custom header required on writes (see AdminAuthorization), other sites cannot use the cookie.
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.Path = "/admin";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        return builder;
    }
}
