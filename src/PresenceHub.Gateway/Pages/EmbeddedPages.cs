using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Net.Http.Headers;

namespace PresenceHub.Gateway.Pages;

/// <summary>
/// Serves the gateway's pages (the admin console, the Teams personal tab, and the privacy, terms and about pages)
/// from resources embedded in the assembly, so the gateway needs no web root and no build step for them. Each file is
/// served as is, with a strict content security policy (scripts and styles from the gateway only) and no referrer.
/// </summary>
internal static class EmbeddedPages
{
    private const string Prefix = "PresenceHub.Gateway.Pages.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Maps <paramref name="path"/> to the folder's <c>index.html</c> and <c>{path}/{file}</c> to its other files.
    /// </summary>
    /// <param name="endpoints">Where to map.</param>
    /// <param name="path">The page's path, e.g. <c>/admin</c>.</param>
    /// <param name="folder">The folder under <c>Pages/</c>, e.g. <c>Admin</c>.</param>
    /// <param name="frameAncestors">Who may frame the page (CSP <c>frame-ancestors</c>): <c>'none'</c>, or the Teams clients for the tab.</param>
    public static RouteHandlerBuilder MapPage(this IEndpointRouteBuilder endpoints, string path, string folder, string frameAncestors)
    {
        var assembly = typeof(EmbeddedPages).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix + folder + ".", StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[(Prefix.Length + folder.Length + 1)..], n => n, StringComparer.Ordinal);
        if (!files.ContainsKey("index.html"))
        {
            throw new InvalidOperationException($"The page {folder} has no embedded index.html.");
        }

        endpoints.MapGet(path + "/{file}", (string file, HttpContext context) =>
            files.TryGetValue(file, out var resource) && file != "index.html" ? Serve(context, assembly, resource, file, frameAncestors) : Results.NotFound())
            .ExcludeFromDescription();
        return endpoints.MapGet(path, (HttpContext context) => Serve(context, assembly, files["index.html"], "index.html", frameAncestors))
            .ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, Assembly assembly, string resource, string file, string frameAncestors)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] =
            $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors {frameAncestors}";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.CacheControl] = "no-cache";
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        return Results.Stream(assembly.GetManifestResourceStream(resource)!, type);
    }
}
