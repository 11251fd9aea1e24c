using Microsoft.Identity.Web;
using PresenceHub.Gateway.Graph;

namespace PresenceHub.Gateway.Admin;

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
        var graph = builder.Configuration.GetSection(GraphOptions.SectionName);
        builder.Services.AddAuthentication()
            .AddMicrosoftIdentityWebApi(
                jwt =>
                {
                    if (graph[nameof(GraphOptions.TrustedCaCertificatePath)] is { Length: > 0 } caPath)
                    {
                        jwt.BackchannelHttpHandler = GraphTrust.CreateHandler(new GraphOptions { TrustedCaCertificatePath = caPath });
                    }

                    var clientId = graph[nameof(GraphOptions.ClientId)];
                    jwt.TokenValidationParameters.ValidAudiences = [clientId, $"api://{clientId}"];
                },
                identity =>
                {
                    identity.Instance = graph[nameof(GraphOptions.AuthorityHost)] ?? "https://login.microsoftonline.com/";
                    identity.TenantId = "organizations";
                    identity.ClientId = graph[nameof(GraphOptions.ClientId)];
                },
                EntraScheme);
        builder.Services.AddAuthentication()
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
