using Grpc.Core;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// Answers a connector message over <c>Connectors:MaxMessageBytes</c> with ResourceExhausted and a detail that names
/// the limit, on streams and unary calls alike (gRPC's own detail does not say which limit).
/// </summary>
internal static class ConnectorMessageLimit
{
    // grpc-dotnet's detail for a message over MaxReceiveMessageSize.
    private const string GrpcDetail = "Received message exceeds the maximum configured message size.";

    public static string Detail(int limit) =>
        $"A message is larger than Connectors:MaxMessageBytes ({limit} bytes); it was not processed. Sending it again fails the same way: split or shorten it.";

    public static RpcException Exceeded(int limit) => new(new Status(StatusCode.ResourceExhausted, Detail(limit)));

    /// <summary>Rewrites gRPC's detail for an oversized unary request, which fails before the service method runs.</summary>
    public static void NameTheLimit(EndpointBuilder endpoint, int limit)
    {
        var next = endpoint.RequestDelegate ?? throw new InvalidOperationException("The gRPC endpoint has no request delegate.");
        endpoint.RequestDelegate = context =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.Headers["grpc-status"] == "8" && context.Response.Headers["grpc-message"] == Uri.EscapeDataString(GrpcDetail))
                {
                    context.Response.Headers["grpc-message"] = Uri.EscapeDataString(Detail(limit));
                }

                return Task.CompletedTask;
            });
            return next(context);
        };
    }
}
