using System.Globalization;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Graph;

/// <summary>Graph's error JSON: <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.</summary>
internal sealed class GraphErrors(SimulatorClock clock)
{
    public IResult Create(HttpContext context, int status, string code, string message)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                    ["request-id"] = RequestIds.RequestId(context),
                    ["client-request-id"] = RequestIds.ClientRequestId(context),
                },
            },
        };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    public IResult BadRequest(HttpContext context, string message, string code = "BadRequest") => Create(context, 400, code, message);

    public IResult NotFound(HttpContext context, string message, string code = "Request_ResourceNotFound") => Create(context, 404, code, message);

    public IResult Forbidden(HttpContext context, string message = "Insufficient privileges to complete the operation.", string code = "Authorization_RequestDenied") =>
        Create(context, 403, code, message);

    public IResult TooManyRequests(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Create(context, 429, "TooManyRequests", "Too many requests.");
    }
}
