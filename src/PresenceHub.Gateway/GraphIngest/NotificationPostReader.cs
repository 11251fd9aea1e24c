using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Serialization.Json;
using Microsoft.Net.Http.Headers;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Reads the body Graph POSTs to either webhook, within the configured size, into a notification collection.</summary>
internal static class NotificationPostReader
{
    /// <summary>
    /// Whether Graph (or a proxy in between) abandoned the POST: the connection was reset or the request aborted. That
    /// is no error of ours: Graph counts the delivery as failed and retries it.
    /// </summary>
    public static bool IsAbandoned(Exception exception, HttpContext context) =>
        exception is ConnectionResetException
        || (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested);

    /// <summary>
    /// Reads the POSTed collection; or, when there is none to act on, the answer: 415 (counted as
    /// <c>unsupported-media-type</c>) for a body that is not <c>application/json</c>, as Graph always sends, nothing for
    /// a POST Graph abandoned, and 400 (counted as malformed) for a body that is not a notification collection.
    /// </summary>
    public static async Task<(ChangeNotificationCollection? Collection, IResult? Refused)> ReadOrRefuseAsync(
        HttpContext context, int maxBytes, GraphIngestMetrics metrics, ILogger logger, string kind)
    {
        if (!IsJson(context.Request.ContentType))
        {
            metrics.Rejected("unsupported-media-type", 1);
            return (null, Results.Problem($"A Graph {kind} notification collection is sent as application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

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

    /// <summary><c>application/json</c>, with or without parameters such as <c>charset</c>; anything else, or nothing, is not.</summary>
    internal static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

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
