using Grpc.Core;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>The fake hub's side of the connector API, over the state in <see cref="FakePresenceHub"/>.</summary>
internal sealed class FakeConnectorService(FakePresenceHub hub) : V1.ConnectorService.ConnectorServiceBase
{
    public override async Task Connect(
        IAsyncStreamReader<V1.ConnectRequest> requestStream,
        IServerStreamWriter<V1.ConnectResponse> responseStream,
        ServerCallContext context)
    {
        hub.Authenticate(context);
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false) || requestStream.Current.Hello is not { } hello)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The first message on the stream must be a hello."));
        }

        if (!ConnectorClientOptions.IsValidConnectorId(hello.ConnectorId) || !Platform.TryParse(hello.Platform, out var platform))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The hello needs a valid connector id and platform."));
        }

        if (hub.Options.AllowedPlatform is { } allowed && !string.Equals(allowed, platform.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The credential does not allow this platform."));
        }

        var (position, outcome) = hub.Resume(hello.ResumeCursor);
        var sessionId = Guid.NewGuid().ToString("N");
        var connection = new ConnectorConnection(hello.ConnectorId, platform.Id, hello.Version,
            string.IsNullOrEmpty(hello.ResumeCursor) ? null : hello.ResumeCursor, sessionId);
        using var stream = hub.OpenStream(connection, context.CancellationToken);
        using var writes = new SemaphoreSlim(1, 1);
        var reading = Task.CompletedTask;
        try
        {
            await WriteAsync(responseStream, writes, new V1.ConnectResponse
            {
                Welcome = new V1.Welcome
                {
                    SessionId = sessionId,
                    HeartbeatInterval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(hub.Options.HeartbeatInterval),
                    MaxBatchSize = (uint)hub.Options.MaxBatchSize,
                    MaxUnacknowledgedEvents = (uint)hub.Options.MaxUnacknowledgedEvents,
                    ResumeOutcome = outcome,
                    OrganizationId = hub.Organization.ToString(),
                },
            }, stream.Token).ConfigureAwait(false);

            reading = ReadAsync(requestStream, responseStream, writes, hello.ConnectorId, stream.Token);
            while (true)
            {
                var (batch, changed) = hub.NextBatch(ref position);
                if (batch.Count > 0)
                {
                    var response = new V1.ConnectResponse { EventBatch = new V1.EventBatch() };
                    response.EventBatch.Events.AddRange(batch);
                    await WriteAsync(responseStream, writes, response, stream.Token).ConfigureAwait(false);
                    continue;
                }

                await Task.WhenAny(changed, reading).WaitAsync(stream.Token).ConfigureAwait(false);
                if (reading.IsCompleted)
                {
                    // The connector closed its side: end the call.
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stream.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The fake hub dropped the stream."));
        }
        finally
        {
            await stream.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
            hub.CloseStream(stream);
        }
    }

    public override Task<V1.GetLastKnownPresenceResponse> GetLastKnownPresence(V1.GetLastKnownPresenceRequest request, ServerCallContext context)
    {
        hub.Authenticate(context);
        return Task.FromResult(hub.LastKnown(request));
    }

    public override Task<V1.ResolveIdentityResponse> ResolveIdentity(V1.ResolveIdentityRequest request, ServerCallContext context)
    {
        hub.Authenticate(context);
        return Task.FromResult(hub.Resolve(request));
    }

    public override Task<V1.PublishPresenceResponse> PublishPresence(V1.PublishPresenceRequest request, ServerCallContext context)
    {
        hub.Authenticate(context);
        if (request.Publication is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A publication is required."));
        }

        return Task.FromResult(new V1.PublishPresenceResponse { Result = hub.Publish(null, request.Publication) });
    }

    private async Task ReadAsync(
        IAsyncStreamReader<V1.ConnectRequest> requestStream,
        IServerStreamWriter<V1.ConnectResponse> responseStream,
        SemaphoreSlim writes,
        string connectorId,
        CancellationToken token)
    {
        try
        {
            while (await requestStream.MoveNext(token).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                switch (request.MessageCase)
                {
                    case V1.ConnectRequest.MessageOneofCase.Ack:
                        if (!hub.Acknowledge(request.Ack))
                        {
                            await WriteAsync(responseStream, writes, Error(V1.StreamErrorReason.UnknownCursor), token).ConfigureAwait(false);
                        }

                        break;
                    case V1.ConnectRequest.MessageOneofCase.Heartbeat:
                        hub.RecordHeartbeat();
                        if (hub.EchoHeartbeats)
                        {
                            await WriteAsync(responseStream, writes, new V1.ConnectResponse { Heartbeat = request.Heartbeat }, token).ConfigureAwait(false);
                        }

                        break;
                    case V1.ConnectRequest.MessageOneofCase.StateReport:
                        hub.RecordState(connectorId, request.StateReport);
                        break;
                    case V1.ConnectRequest.MessageOneofCase.Publication:
                        var result = hub.Publish(connectorId, request.Publication);
                        await WriteAsync(responseStream, writes, new V1.ConnectResponse { PublicationResult = result }, token).ConfigureAwait(false);
                        break;
                    default:
                        await WriteAsync(responseStream, writes, Error(V1.StreamErrorReason.InvalidMessage), token).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            // The stream ended or was dropped; the writing side ends the call.
        }
    }

    private static V1.ConnectResponse Error(V1.StreamErrorReason reason) => new() { Error = new V1.StreamError { Reason = reason } };

    private static async Task WriteAsync(
        IServerStreamWriter<V1.ConnectResponse> responseStream, SemaphoreSlim writes, V1.ConnectResponse response, CancellationToken token)
    {
        await writes.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await responseStream.WriteAsync(response, token).ConfigureAwait(false);
        }
        finally
        {
            writes.Release();
        }
    }
}
