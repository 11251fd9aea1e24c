using System.Globalization;
using System.Text.Json;
using PresenceHub.Presence;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Admin;

/// <summary>
/// The admin API of the metadata log: query by user and time range
/// (<c>GET /admin/organizations/{org}/metadata-log?userId=&amp;from=&amp;to=&amp;limit=</c>) and export as JSON lines
/// (<c>GET .../metadata-log/export</c>). Authorized by <see cref="AdminAuthorization"/>.
/// </summary>
internal static class MetadataLogEndpoints
{
    private const int MaxLimit = 10_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static IEndpointRouteBuilder MapMetadataLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var log = endpoints.MapGroup("/admin/organizations/{organization}/metadata-log").RequireOrganizationAdmin();
        log.MapGet("/", QueryAsync);
        log.MapGet("/export", ExportAsync);
        return endpoints;
    }

    private static async Task<IResult> QueryAsync(
        string organization, HttpRequest request, IMetadataLog metadataLog, TimeProvider time, CancellationToken token)
    {
        if (Parse(organization, request, time, MaxLimit) is not { } query)
        {
            return Invalid();
        }

        var entries = await metadataLog.QueryAsync(query.Organization, query.UserId, query.From, query.To, query.Limit, token).ConfigureAwait(false);
        return Results.Json(new { organization = query.Organization.ToString(), from = query.From, to = query.To, entries }, Json);
    }

    private static async Task ExportAsync(string organization, HttpContext context, IMetadataLog metadataLog, TimeProvider time)
    {
        if (Parse(organization, context.Request, time, int.MaxValue) is not { } query)
        {
            await Invalid().ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var entries = await metadataLog.QueryAsync(query.Organization, query.UserId, query.From, query.To, query.Limit, context.RequestAborted)
            .ConfigureAwait(false);
        context.Response.ContentType = "application/x-ndjson";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"metadata-log-{query.Organization}.ndjson\"";
        foreach (var entry in entries)
        {
            await context.Response.WriteAsync(JsonSerializer.Serialize(entry, Json) + "\n", context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static Query? Parse(string organization, HttpRequest request, TimeProvider time, int maxLimit)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return null;
        }

        var userId = request.Query["userId"].ToString();
        if (userId.Length > 0 && !Guid.TryParse(userId, out _))
        {
            return null;
        }

        var to = time.GetUtcNow();
        var from = DateTimeOffset.MinValue;
        var limit = Math.Min(1000, maxLimit);
        if ((request.Query["from"].ToString() is { Length: > 0 } f && !DateTimeOffset.TryParse(f, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
            || (request.Query["to"].ToString() is { Length: > 0 } t && !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out to))
            || (request.Query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit)))
        {
            return null;
        }

        return new Query(org, userId.Length > 0 ? Guid.Parse(userId).ToString("D") : null, from, to, limit);
    }

    private static IResult Invalid() => Results.Problem(
        "Expected /admin/organizations/{tenant id}/metadata-log[?userId={object id}&from={ISO 8601}&to={ISO 8601}&limit=1..10000].",
        statusCode: StatusCodes.Status400BadRequest);

    private sealed record Query(OrganizationId Organization, string? UserId, DateTimeOffset From, DateTimeOffset To, int Limit);
}
