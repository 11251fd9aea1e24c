using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Serialization.Json;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Graph;

/// <summary>
/// The endpoints Graph posts to. Change notifications are answered 202 only once their events are durable in the
/// relay, 503 when they are not (Graph then retries for up to four hours), and 202 for anything forged, so a probe
/// learns nothing. The validation handshake echoes the token as text/plain. No Graph call happens on this path.
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

    private static async Task<IResult> ReceiveNotificationsAsync(
        HttpContext context,
        ChangeNotificationProcessor processor,
        IPresenceRelay relay,
        ProfileRefreshQueue profiles,
        IMetadataLog metadataLog,
        TimeProvider time,
        InstallationChangeQueue installations,
        GraphIngestMetrics metrics,
        IOptions<GraphOptions> options,
        ILogger<ChangeNotificationProcessor> logger)
    {
        if (ValidationHandshake(context) is { } handshake)
        {
            return handshake;
        }

        var started = Stopwatch.GetTimestamp();
        var (collection, refused) = await ReadOrRefuseAsync(context, options.Value.MaxNotificationBytes, metrics, logger, "change").ConfigureAwait(false);
        if (collection is null)
        {
            return refused!;
        }

        NotificationBatch batch;
        try
        {
            // Subscription records may be read from Redis here, and events are written to it: either failing is a
            // 503, so Graph delivers the batch again.
            batch = await processor.ProcessAsync(collection, context.RequestAborted).ConfigureAwait(false);
            if (batch.Presence.Count > 0)
            {
                await relay.PublishAsync(batch.Presence, context.RequestAborted).ConfigureAwait(false);
            }

            IReadOnlyList<(OrganizationId Organization, string UserId, bool Deleted)> admitted = [];
            if (batch.ProfileChanges.Count > 0)
            {
                // Queued for the profile refresher, never fetched here; a user who has not consented is dropped.
                admitted = await profiles.AdmitAsync(batch.ProfileChanges, context.RequestAborted).ConfigureAwait(false);
                batch.Reject("user-not-consenting", batch.ProfileChanges.Count - admitted.Count);
            }

            await LogReceivedAsync(metadataLog, time.GetUtcNow(), batch, admitted, context.RequestAborted).ConfigureAwait(false);
            foreach (var (organization, resource) in batch.InstallationChanges)
            {
                // Checked in Graph by the keeper, off the request path; a dropped check waits for the next sweep.
                if (InstallationChangeQueue.UserIdOf(resource) is not { } userId)
                {
                    batch.Reject("malformed");
                }
                else if (!installations.TryEnqueue(organization, userId))
                {
                    batch.Reject("installation-queue-full");
                }
            }
        }
        catch (RelayUnavailableException ex)
        {
            GraphIngestLog.RelayUnavailable(logger, collection.Value?.Count ?? 0, ex);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (IsAbandoned(ex, context))
        {
            // Graph gave up waiting (after 3 s) and delivers the batch again; what was published is stale then.
            GraphIngestLog.NotificationPostAbandoned(logger, ex.GetType().Name);
            return Results.Empty;
        }

        foreach (var (reason, count) in batch.Rejected)
        {
            metrics.Rejected(reason, count);
        }

        metrics.Accepted(batch.Presence.Count, Stopwatch.GetElapsedTime(started));
        return Results.Accepted();
    }

    /// <summary>
    /// One metadata entry per presence or profile notification admitted: the user's Teams address as sender, the
    /// gateway as receiver, and the Graph subscription as session. Profile changes of users who have not consented
    /// leave no entry, as they leave nothing else.
    /// </summary>
    private static async Task LogReceivedAsync(
        IMetadataLog metadataLog, DateTimeOffset now, NotificationBatch batch,
        IReadOnlyList<(OrganizationId Organization, string UserId, bool Deleted)> admittedProfiles, CancellationToken cancellationToken)
    {
        if (batch.Sessions.Count == 0)
        {
            return;
        }

        var admitted = admittedProfiles.Select(a => (a.Organization, a.UserId.ToLowerInvariant())).ToHashSet();
        foreach (var organization in batch.Sessions
            .Where(s => !s.IsProfile || admitted.Contains((s.Organization, s.UserId.ToLowerInvariant())))
            .GroupBy(s => s.Organization))
        {
            var entries = organization.Select(s => new MetadataLogEntry(
                now, MetadataLogEntry.UserAddress(Platform.Teams.Id, s.UserId.ToLowerInvariant()), MetadataLogEntry.Gateway,
                s.IsProfile ? MessageType.ProfileChange : MessageType.Presence, s.SubscriptionId)).ToList();
            await metadataLog.AppendAsync(organization.Key, entries, cancellationToken).ConfigureAwait(false);
        }
    }

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

        var (collection, refused) = await ReadOrRefuseAsync(context, options.Value.MaxNotificationBytes, metrics, logger, "lifecycle").ConfigureAwait(false);
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

    /// <summary>
    /// Whether Graph (or a proxy in between) abandoned the POST: the connection was reset or the request aborted. That
    /// is no error of ours: Graph counts the delivery as failed and retries it.
    /// </summary>
    private static bool IsAbandoned(Exception exception, HttpContext context) =>
        exception is ConnectionResetException
        || (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested);

    /// <summary>
    /// Reads the POSTed collection; or, when there is none to act on, the answer: nothing for a POST Graph abandoned,
    /// and 400 (counted as malformed) for a body that is not a notification collection.
    /// </summary>
    private static async Task<(ChangeNotificationCollection? Collection, IResult? Refused)> ReadOrRefuseAsync(
        HttpContext context, int maxBytes, GraphIngestMetrics metrics, ILogger logger, string kind)
    {
        try
        {
            if (await ReadAsync(context, maxBytes).ConfigureAwait(false) is { } collection)
            {
                return (collection, null);
            }
        }
        catch (Exception ex) when (IsAbandoned(ex, context))
        {
            GraphIngestLog.NotificationPostAbandoned(logger, ex.GetType().Name);
            return (null, Results.Empty);
        }

        metrics.Rejected("malformed", 1);
        return (null, Results.Problem($"The body is not a Graph {kind} notification collection.", statusCode: StatusCodes.Status400BadRequest));
    }

    /// <summary>
    /// Reads the body into a pooled buffer (a batch is tens of KiB: a growing MemoryStream would put one large-object
    /// allocation per POST on the heap) and deserializes it with Kiota from a document disposed right after, so its
    /// pooled buffers go back to the pool.
    /// </summary>
    private static async Task<ChangeNotificationCollection?> ReadAsync(HttpContext context, int maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (context.Request.ContentLength > maxBytes)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(context.Request.ContentLength ?? 0, 4096, maxBytes + 1L));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // No cancellation token: an aborted request ends this read itself, and cancelling it instead would leave
                // the body reader mid-read for Kestrel's draining.
                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length)).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return new JsonParseNode(document.RootElement).GetObjectValue(ChangeNotificationCollection.CreateFromDiscriminatorValue);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or BadHttpRequestException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
