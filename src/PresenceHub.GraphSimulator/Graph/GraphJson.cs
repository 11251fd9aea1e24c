using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PresenceHub.GraphSimulator.Graph;

/// <summary>Graph's JSON conventions: camelCase, ISO dates with seven fractional digits and Z, OData annotations.</summary>
internal static class GraphJson
{
    public static readonly JsonSerializerOptions ReadOptions = new(JsonSerializerDefaults.Web);

    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string Context(HttpContext context, string fragment) =>
        $"{context.Request.Scheme}://{context.Request.Host}/v1.0/$metadata#{fragment}";

    public static IResult Ok(JsonObject body, int status = 200) =>
        Results.Text(body.ToJsonString(), "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8", statusCode: status);

    /// <summary>Reads a JSON object body; null when the body is not a JSON object.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? String(this JsonObject body, string name) =>
        body.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
        && v.TryGetValue<string>(out var s) ? s : null;

    public static JsonNode? Property(this JsonObject body, string name) =>
        body.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
