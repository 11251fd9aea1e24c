using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using PresenceHub.Gateway.GraphIngest;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Middleware in front of the gateway's notification endpoint that keeps each POST's body and answer, so tests can
/// see what Graph sent (to forge from a real batch) and what the webhook said (202, 503, ...).
/// </summary>
internal sealed class WebhookRecorder
{
    private const int MaxRecordedBytes = 1024 * 1024;

    private readonly ConcurrentQueue<(string Body, int Status)> _posts = new();

    public IReadOnlyList<(string Body, int Status)> Posts => [.. _posts];

    public async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(context.Request.Method) ||
            context.Request.Path != GraphWebhookEndpoints.NotificationsPath ||
            context.Request.Query.ContainsKey("validationToken") ||
            context.Request.ContentLength is null or > MaxRecordedBytes)
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Request.Body.Position = 0;
        await next(context);
        _posts.Enqueue((body, context.Response.StatusCode));
    }
}
