using System.Net;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// The endpoints Graph posts to. Change notifications are answered 202 only once their events are durable in the
/// relay, 503 when they are not (Graph then retries for up to four hours), and 202 for anything forged, so a probe
/// learns nothing. Notification bodies are <c>application/json</c> as Graph sends them, anything else is answered 415.
/// The validation handshake (a query parameter and no body) echoes the token as text/plain. No Graph call happens on this path.
/// </summary>
internal static class GraphWebhookEndpoints
{
    public const string NotificationsPath = "/graph/notifications";
    public const string LifecyclePath = "/graph/lifecycle";

    public static IEndpointRouteBuilder MapGraphWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(NotificationsPath, ReceiveNotificationsAsync).ExcludeFromDescription();
        endpoints.MapPost(LifecyclePath, ReceiveLifecycleAsync).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The handshake is answered here; every notification POST goes to the intake, without a further await.</summary>
    private static Task<IResult> ReceiveNotificationsAsync(HttpContext context, ChangeNotificationIntake intake) =>
        ValidationHandshake(context) is { } handshake ? Task.FromResult(handshake) : intake.ReceiveAsync(context);

    private static async Task<IResult> ReceiveLifecycleAsync(
        HttpContext context,
        LifecycleEventQueue queue,
        IOptions<GraphOptions> options,
        GraphIngestMetrics metrics,
        ILogger<LifecycleEventQueue> logger)
    {
        if (ValidationHandshake(context) is { } handshake)
        {
            return handshake;
        }

        var (collection, refused) = await NotificationPostReader.ReadOrRefuseAsync(context, options.Value.MaxNotificationBytes, metrics, logger, "lifecycle").ConfigureAwait(false);
        if (collection is null)
        {
            return refused!;
        }

        // Checked and acted on off the request path: the subscription's owner token and Graph are needed to renew.
        foreach (var notification in collection.Value ?? [])
        {
            if (!queue.TryEnqueue(notification))
            {
                metrics.Rejected("lifecycle-queue-full", 1);
            }
        }

        return Results.Accepted();
    }

    /// <summary>Graph's handshake: echo the URL-decoded token as plain text, never as markup.</summary>
    private static IResult? ValidationHandshake(HttpContext context)
    {
        if (!context.Request.Query.TryGetValue("validationToken", out var token))
        {
            return null;
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        var value = token.ToString();
        return value.Length is 0 or > 1024
            ? Results.BadRequest()
            : Results.Text(value, "text/plain; charset=utf-8", statusCode: (int)HttpStatusCode.OK);
    }
}
