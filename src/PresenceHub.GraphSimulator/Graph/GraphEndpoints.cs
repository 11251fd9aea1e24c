using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Presence;
using PresenceHub.GraphSimulator.Subscriptions;

namespace PresenceHub.GraphSimulator.Graph;

/// <summary>Routes of the Graph v1.0 surface, all behind <see cref="GraphRequestGuard"/>.</summary>
internal static class GraphEndpoints
{
    public static IEndpointRouteBuilder MapSimulatedGraph(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1.0").AddEndpointFilter<GraphRequestGuard>();

        v1.MapPost("/subscriptions", (HttpContext c, SubscriptionEndpoints s) => s.CreateAsync(c));
        v1.MapGet("/subscriptions", (HttpContext c, SubscriptionEndpoints s) => s.List(c));
        v1.MapGet("/subscriptions/{id}", (HttpContext c, string id, SubscriptionEndpoints s) => s.Get(c, id));
        v1.MapPatch("/subscriptions/{id}", (HttpContext c, string id, SubscriptionEndpoints s) => s.UpdateAsync(c, id));
        v1.MapDelete("/subscriptions/{id}", (HttpContext c, string id, SubscriptionEndpoints s) => s.Delete(c, id));
        v1.MapPost("/subscriptions/{id}/reauthorize", (HttpContext c, string id, SubscriptionEndpoints s) => s.Reauthorize(c, id));

        v1.MapPost("/communications/getPresencesByUserId", (HttpContext c, PresenceEndpoints p) => p.GetManyAsync(c));
        v1.MapGet("/users/{id}/presence", (HttpContext c, string id, PresenceEndpoints p) => p.Get(c, id));
        v1.MapGet("/me/presence", (HttpContext c, PresenceEndpoints p) => p.Get(c, "me"));
        v1.MapGet("/communications/presences/{id}", (HttpContext c, string id, PresenceEndpoints p) => p.Get(c, id));
        v1.MapPost("/users/{id}/presence/setPresence", (HttpContext c, string id, PresenceEndpoints p) => p.SetPresenceAsync(c, id));
        v1.MapPost("/users/{id}/presence/clearPresence", (HttpContext c, string id, PresenceEndpoints p) => p.ClearPresenceAsync(c, id));
        v1.MapPost("/users/{id}/presence/setStatusMessage", (HttpContext c, string id, PresenceEndpoints p) => p.SetStatusMessageAsync(c, id));
        v1.MapPost("/me/presence/setStatusMessage", (HttpContext c, PresenceEndpoints p) => p.SetStatusMessageAsync(c, "me"));

        v1.MapGet("/users", (HttpContext c, DirectoryEndpoints d) =>
            d.List(c, int.TryParse(c.Request.Query["$top"], out var top) ? top : null, c.Request.Query["$skiptoken"]));
        v1.MapGet("/users/{id}", (HttpContext c, string id, DirectoryEndpoints d) => d.Get(c, id));
        v1.MapGet("/me", (HttpContext c, DirectoryEndpoints d) => d.Get(c, "me"));
        v1.MapGet("/users/{id}/teamwork/installedApps", (HttpContext c, string id, DirectoryEndpoints d) => d.InstalledApps(c, id));

        // Graph answers unknown segments with its error JSON, not an empty 404.
        endpoints.MapFallback("/v1.0/{**path}", (HttpContext c, string? path, GraphErrors errors) =>
        {
            RequestIds.Stamp(c);
            var segment = path?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            return errors.BadRequest(c, $"Resource not found for the segment '{segment}'.");
        });
        return endpoints;
    }
}
