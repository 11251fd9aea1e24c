using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace PresenceHub.Gateway.Operations;

/// <summary>
/// Headers every response gets: HSTS on HTTPS (<see cref="HttpSecurityOptions.Hsts"/>), and <c>Cache-Control:
/// no-store</c> on JSON, so an API answer (consents, exports, keys) is kept by no browser or proxy cache. Pages set
/// their own headers (<c>Pages/EmbeddedPages</c>).
/// </summary>
internal static class HttpSecurityHeaders
{
    /// <summary>One year, as the HSTS preload list asks.</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static WebApplication UseHttpSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<HttpSecurityOptions>>().Value;
        app.Use((context, next) =>
        {
            if (options.Hsts && context.Request.IsHttps)
            {
                context.Response.Headers[HeaderNames.StrictTransportSecurity] = StrictTransportSecurity;
            }

            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                if (IsJson(response.ContentType) && string.IsNullOrEmpty(response.Headers.CacheControl))
                {
                    response.Headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        return app;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value!.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
