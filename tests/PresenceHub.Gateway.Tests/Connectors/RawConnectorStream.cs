using Grpc.Core;
using Grpc.Net.Client;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>
/// A connector as one written from the protos alone sees the hub: the generated client on a real gRPC channel, no SDK.
/// Every read has a deadline, so a stream that stays silent fails the test instead of hanging it.
/// </summary>
internal sealed class RawConnectorStream : IAsyncDisposable
{
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _abort;
    private readonly AsyncDuplexStreamingCall<V1.ConnectRequest, V1.ConnectResponse> _call;

    private RawConnectorStream(GrpcChannel channel, AsyncDuplexStreamingCall<V1.ConnectRequest, V1.ConnectResponse> call, CancellationTokenSource abort)
    {
        _channel = channel;
        _call = call;
        _abort = abort;
    }

    public V1.Welcome Welcome { get; private set; } = null!;

    /// <summary>Every batch received so far, in order.</summary>
    public List<V1.EventBatch> Batches { get; } = [];

    /// <summary>Every stream error received so far.</summary>
    public List<V1.StreamError> Errors { get; } = [];

    public IEnumerable<V1.ConnectorEvent> Events => Batches.SelectMany(b => b.Events);

    /// <summary>Opens the stream and says hello; the hub's answer is not read yet.</summary>
    public static async Task<RawConnectorStream> StartAsync(Uri hub, string key, string connectorId, string platform, string resumeCursor = "")
    {
        var channel = GrpcChannel.ForAddress(hub);
        var abort = new CancellationTokenSource();
        var client = new V1.ConnectorService.ConnectorServiceClient(channel);
        var call = client.Connect(new Metadata { { "authorization", $"Bearer {key}" } }, cancellationToken: abort.Token);
        var stream = new RawConnectorStream(channel, call, abort);
        await stream.SendAsync(new V1.ConnectRequest
        {
            Hello = new V1.ConnectorHello { ConnectorId = connectorId, Platform = platform, Version = "1.0.0", ResumeCursor = resumeCursor, ClientLibrary = "raw-grpc-test" },
        });
        return stream;
    }

    /// <summary>Opens the stream and reads the welcome.</summary>
    public static async Task<RawConnectorStream> ConnectAsync(Uri hub, string key, string connectorId, string platform, string resumeCursor = "")
    {
        var stream = await StartAsync(hub, key, connectorId, platform, resumeCursor);
        var first = await stream.NextAsync();
        stream.Welcome = first.Welcome ?? throw new InvalidOperationException($"The hub's first message was {first.MessageCase}, not a welcome.");
        return stream;
    }

    public Task SendAsync(V1.ConnectRequest request) => _call.RequestStream.WriteAsync(request);

    public Task AcknowledgeAsync(string cursor) => SendAsync(new V1.ConnectRequest { Ack = new V1.EventAcknowledgement { Cursor = cursor } });

    /// <summary>The next message; throws the RpcException that ended the stream, or TimeoutException past the deadline.</summary>
    public async Task<V1.ConnectResponse> NextAsync()
    {
        using var deadline = new CancellationTokenSource(ReadDeadline);
        try
        {
            if (!await _call.ResponseStream.MoveNext(deadline.Token))
            {
                throw new InvalidOperationException("The hub ended the stream without a status.");
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Nothing arrived on the stream for {ReadDeadline.TotalSeconds:0} s.");
        }

        var message = _call.ResponseStream.Current;
        if (message.EventBatch is { } batch)
        {
            Batches.Add(batch);
        }
        else if (message.Error is { } error)
        {
            Errors.Add(error);
        }

        return message;
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds for the events received so far, acknowledging each batch with its
    /// last cursor when <paramref name="acknowledge"/> is set.
    /// </summary>
    public async Task ReadUntilAsync(Func<IReadOnlyList<V1.ConnectorEvent>, bool> done, bool acknowledge)
    {
        while (!done(Events.ToList()))
        {
            var message = await NextAsync();
            if (acknowledge && message.EventBatch is { Events.Count: > 0 } batch)
            {
                await AcknowledgeAsync(batch.Events[^1].Cursor);
            }
        }
    }

    /// <summary>Reads until a stream error arrives and returns it.</summary>
    public async Task<V1.StreamError> NextErrorAsync()
    {
        var seen = Errors.Count;
        while (Errors.Count == seen)
        {
            await NextAsync();
        }

        return Errors[seen];
    }

    /// <summary>Reads until the hub ends the stream and returns the status it ended with.</summary>
    public async Task<RpcException> EndAsync()
    {
        while (true)
        {
            try
            {
                await NextAsync();
            }
            catch (RpcException e)
            {
                return e;
            }
        }
    }

    /// <summary>Closes the connector's side and waits for the hub to end the call, so every acknowledgement sent is applied.</summary>
    public async Task CloseAsync()
    {
        await _call.RequestStream.CompleteAsync();
        using var deadline = new CancellationTokenSource(ReadDeadline);
        try
        {
            while (await _call.ResponseStream.MoveNext(deadline.Token))
            {
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"The hub did not end the stream within {ReadDeadline.TotalSeconds:0} s of the connector closing it.");
        }
    }

    /// <summary>Drops the stream as a crash does: no acknowledgement, no goodbye, the call reset.</summary>
    public void Crash() => _abort.Cancel();

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        _call.Dispose();
        _channel.Dispose();
        _abort.Dispose();
    }
}
