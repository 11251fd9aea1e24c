namespace PresenceHub.GraphSimulator.Graph;

/// <summary>Graph's <c>request-id</c> and echoed <c>client-request-id</c>, also sent as response headers.</summary>
internal static class RequestIds
{
    private const string RequestKey = "graph.request-id";

    public static string RequestId(HttpContext context)
    {
        if (context.Items[RequestKey] is not string id)
        {
            id = Guid.NewGuid().ToString();
            context.Items[RequestKey] = id;
        }

        return id;
    }

    public static string ClientRequestId(HttpContext context)
    {
        var sent = context.Request.Headers["client-request-id"].ToString();
        return string.IsNullOrEmpty(sent) ? RequestId(context) : sent;
    }

    public static void Stamp(HttpContext context)
    {
        context.Response.Headers["request-id"] = RequestId(context);
        context.Response.Headers["client-request-id"] = ClientRequestId(context);
    }
}
