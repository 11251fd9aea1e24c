using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using PresenceHub.Gateway.Tests.Connectors;

namespace PresenceHub.Gateway.Tests.Hostile;

/// <summary>Malformed and oversized messages on the connector API, sent as raw bytes by an authenticated connector.</summary>
public sealed class GrpcHostileInputTests
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);
    private static readonly Method<byte[], byte[]> Publish = new(MethodType.Unary, "presencehub.v1.ConnectorService", "PublishPresence", Raw, Raw);
    private static readonly Method<byte[], byte[]> Connect = new(MethodType.DuplexStreaming, "presencehub.v1.ConnectorService", "Connect", Raw, Raw);

    [Fact]
    public async Task MalformedAndOversizedMessages_FailTheCall_NeverTheGateway()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 1);
        var key = await world.IssueConnectorKeyAsync();
        using var channel = GrpcChannel.ForAddress(world.ConnectorAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
        var invoker = channel.CreateCallInvoker();
        var headers = new Metadata { { "authorization", "Bearer " + key }, { "presencehub-platform", "xmpp" } };
        var random = new Random(20261123);
        var tried = 0;
        var published = 0;

        for (var i = 0; i < 300; i++)
        {
            var body = new byte[random.Next(0, 4096)];
            random.NextBytes(body);
            tried++;
            try
            {
                await invoker.AsyncUnaryCall(Publish, null, new CallOptions(headers), body);
                published++;
            }
            catch (RpcException e)
            {
                // grpc-dotnet answers a unary body that does not parse with UNKNOWN ("Exception was thrown by handler")
                // before any of our code runs; what parses but is invalid is ours to refuse with INVALID_ARGUMENT.
                Assert.True(e.StatusCode is StatusCode.Unknown or StatusCode.InvalidArgument, $"input {i}: {e.Status}");
            }
        }

        // Random bytes that happen to parse are harmless messages: they may only be rejected or unlinked, never applied.
        Assert.True(published < tried, "no malformed input was refused");

        var oversized = new byte[1024 * 1024];
        tried++;
        var tooBig = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(Publish, null, new CallOptions(headers), oversized).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, tooBig.StatusCode);

        for (var i = 0; i < 50; i++)
        {
            var garbage = new byte[random.Next(1, 2048)];
            random.NextBytes(garbage);
            tried++;
            using var call = invoker.AsyncDuplexStreamingCall(Connect, null, new CallOptions(headers, deadline: DateTime.UtcNow.AddSeconds(10)));
            try
            {
                await call.RequestStream.WriteAsync(garbage);
                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            }
            catch (RpcException e)
            {
                Assert.True(e.StatusCode is not StatusCode.Unknown and not StatusCode.DeadlineExceeded, $"stream input {i}: {e.Status}");
            }
        }

        // The gateway is still serving.
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(tried >= 351);
    }
}
